package dev.tokentally.models;

import dev.tokentally.counting.CountMethod;

/**
 * Counting rules of one Claude generation, fitted to the vendor's published counts.
 *
 * @param textRatio Claude-family tokens per Claude 2 vocabulary token
 * @param requestEnvelope tokens added once per request (the "a" → 7/8 measurements, minus 1)
 * @param turnEnvelope tokens added for every message after the first
 * @param imageBlockOverhead tokens per image block on top of its patches
 * @param imageMaxEdgePx long edge above which the vendor downscales an image
 * @param imageMaxPatches 28-px patches above which the vendor downscales an image
 * @param pdfPageOverhead tokens per PDF page on top of its page image and text
 * @param toolDefinitionOverhead tokens per custom tool definition on top of its JSON text
 */
public record AnthropicRules(
    String tokenizer,
    CountMethod method,
    double textRatio,
    int requestEnvelope,
    int turnEnvelope,
    int imageBlockOverhead,
    int imageMaxEdgePx,
    int imageMaxPatches,
    int pdfPageOverhead,
    int toolDefinitionOverhead)
    implements CountingRules {}
