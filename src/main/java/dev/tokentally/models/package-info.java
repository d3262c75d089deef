/**
 * The model registry ({@code /models/models.json} plus a user file) and each family's counting
 * rules: terms, coefficients, error bars, media prices.
 */
package dev.tokentally.models;
