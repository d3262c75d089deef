/**
 * The ErrorResponse envelope, on the dead-letter topic (with source and original payload) and in
 * HTTP answers.
 */
package dev.tokentally.deadletter;
