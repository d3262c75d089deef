package dev.tokentally.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

/**
 * Page count, first page size and text of a PDF, enough to price it: vendors charge per page plus
 * the page's text. Read with Apache PDFBox, which follows the page tree (bounding its own
 * recursion), decodes the content streams and maps fonts to Unicode ({@link PdfText}). Around it,
 * the limits an untrusted document needs: decoded streams share one memory budget, text is read
 * from a bounded amount of decoded content, and the text kept is bounded.
 */
public record PdfDocument(int pages, String text, double pageWidth, double pageHeight) {
  /** US Letter in points, for PDFs whose page size cannot be read. */
  static final double LETTER_WIDTH = 612;

  static final double LETTER_HEIGHT = 792;

  /** Memory for all decoded streams of one document: a decompression bomb stops here. */
  private static final long MAX_DECODED_BYTES = 64L << 20;

  /** Decoded page content that text is extracted from; pages past it still count as pages. */
  private static final long MAX_TEXT_CONTENT_BYTES = 16L << 20;

  /** Extracted text kept, in chars: more than any context window holds. */
  private static final int MAX_TEXT_CHARS = 8 << 20;

  public static Optional<PdfDocument> read(byte[] data) {
    if (data.length < 8 || !new String(data, 0, 5, StandardCharsets.ISO_8859_1).equals("%PDF-")) {
      return Optional.empty();
    }
    try (PDDocument document =
        Loader.loadPDF(
            data,
            "",
            null,
            null,
            MemoryUsageSetting.setupMainMemoryOnly(MAX_DECODED_BYTES).streamCache)) {
      return read(document);
    } catch (IOException | RuntimeException e) {
      // PDFBox reports some malformed documents with runtime exceptions (a null CMap name, a bad
      // index); for a document from a request, any of them means it cannot be read.
      return Optional.empty();
    }
  }

  private static Optional<PdfDocument> read(PDDocument document) throws IOException {
    int pages = 0;
    int textPages = 0;
    long content = 0;
    PDRectangle box = null;
    // Walks the page objects that exist rather than trusting /Count, which the input states.
    for (PDPage page : document.getPages()) {
      pages++;
      if (box == null) {
        box = page.getMediaBox();
      }
      if (content <= MAX_TEXT_CONTENT_BYTES) {
        content += decodedLength(page, MAX_TEXT_CONTENT_BYTES - content + 1);
        if (content <= MAX_TEXT_CONTENT_BYTES) {
          textPages = pages;
        }
      }
    }
    if (pages == 0) {
      return Optional.empty();
    }
    String text = textPages == 0 ? "" : text(document, textPages);
    boolean sized = box != null && box.getWidth() > 0 && box.getHeight() > 0;
    return Optional.of(
        new PdfDocument(
            pages,
            text,
            sized ? Math.abs(box.getWidth()) : LETTER_WIDTH,
            sized ? Math.abs(box.getHeight()) : LETTER_HEIGHT));
  }

  /** Decoded bytes of a page's content streams, read up to {@code limit}. */
  private static long decodedLength(PDPage page, long limit) throws IOException {
    if (!page.hasContents()) {
      return 0;
    }
    long total = 0;
    byte[] buffer = new byte[8192];
    try (InputStream in = page.getContents()) {
      int n;
      while (total < limit && (n = in.read(buffer)) > 0) {
        total += n;
      }
    }
    return total;
  }

  private static String text(PDDocument document, int lastPage) throws IOException {
    StringBuilder text = new StringBuilder();
    PdfText reader = new PdfText(text, MAX_TEXT_CHARS);
    int page = 0;
    for (PDPage p : document.getPages()) {
      if (++page > lastPage || reader.full()) {
        break;
      }
      try {
        reader.page(p);
      } catch (IOException | RuntimeException e) {
        // A page whose content or fonts cannot be read adds no text; it still counts as a page.
      }
    }
    return text.toString();
  }
}
