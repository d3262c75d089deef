/**
 * Reads just enough of images, PDFs, audio and video to price them: dimensions, page counts,
 * durations. No decoding.
 */
package dev.tokentally.media;
