/**
 * What counts as a secret (header names, body fields, config keys) and the redactor that blanks
 * credentials in payloads before anything is written. A leaf.
 */
package dev.tokentally.credentials;
