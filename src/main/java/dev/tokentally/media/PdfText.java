package dev.tokentally.media;

import java.io.IOException;
import org.apache.pdfbox.contentstream.PDFStreamEngine;
import org.apache.pdfbox.contentstream.operator.DrawObject;
import org.apache.pdfbox.contentstream.operator.state.Concatenate;
import org.apache.pdfbox.contentstream.operator.state.Restore;
import org.apache.pdfbox.contentstream.operator.state.Save;
import org.apache.pdfbox.contentstream.operator.state.SetGraphicsStateParameters;
import org.apache.pdfbox.contentstream.operator.state.SetMatrix;
import org.apache.pdfbox.contentstream.operator.text.BeginText;
import org.apache.pdfbox.contentstream.operator.text.EndText;
import org.apache.pdfbox.contentstream.operator.text.MoveText;
import org.apache.pdfbox.contentstream.operator.text.MoveTextSetLeading;
import org.apache.pdfbox.contentstream.operator.text.NextLine;
import org.apache.pdfbox.contentstream.operator.text.SetCharSpacing;
import org.apache.pdfbox.contentstream.operator.text.SetFontAndSize;
import org.apache.pdfbox.contentstream.operator.text.SetTextHorizontalScaling;
import org.apache.pdfbox.contentstream.operator.text.SetTextLeading;
import org.apache.pdfbox.contentstream.operator.text.SetTextRise;
import org.apache.pdfbox.contentstream.operator.text.SetWordSpacing;
import org.apache.pdfbox.contentstream.operator.text.ShowText;
import org.apache.pdfbox.contentstream.operator.text.ShowTextAdjusted;
import org.apache.pdfbox.contentstream.operator.text.ShowTextLine;
import org.apache.pdfbox.contentstream.operator.text.ShowTextLineAndSpace;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.util.Matrix;
import org.apache.pdfbox.util.Vector;

/**
 * The text a page shows, in content-stream order, each glyph mapped to Unicode through its font.
 * PDFBox positions the glyphs; a gap wider than a fraction of the font size becomes a space, and a
 * move to another baseline a line break, which is how the text reads. Unlike PDFBox's layout-aware
 * stripper, which keeps an object per glyph, it keeps only the characters, so its memory is linear
 * in the text: one page can hold a 10 MB string.
 */
final class PdfText extends PDFStreamEngine {
  /** A gap between glyphs wider than this share of the font size separates words. */
  private static final float WORD_GAP = 0.15f;

  /** A baseline moved by more than this share of the font size starts a new line. */
  private static final float LINE_GAP = 0.5f;

  private final StringBuilder text;
  private final int maxChars;
  private float lastEnd = Float.NaN;
  private float lastY = Float.NaN;

  PdfText(StringBuilder text, int maxChars) {
    this.text = text;
    this.maxChars = maxChars;
    addOperator(new BeginText(this));
    addOperator(new EndText(this));
    addOperator(new SetFontAndSize(this));
    addOperator(new ShowText(this));
    addOperator(new ShowTextAdjusted(this));
    addOperator(new ShowTextLine(this));
    addOperator(new ShowTextLineAndSpace(this));
    addOperator(new MoveText(this));
    addOperator(new MoveTextSetLeading(this));
    addOperator(new NextLine(this));
    addOperator(new SetTextLeading(this));
    addOperator(new SetCharSpacing(this));
    addOperator(new SetWordSpacing(this));
    addOperator(new SetTextHorizontalScaling(this));
    addOperator(new SetTextRise(this));
    addOperator(new SetMatrix(this));
    addOperator(new Concatenate(this));
    addOperator(new Save(this));
    addOperator(new Restore(this));
    addOperator(new SetGraphicsStateParameters(this));
    addOperator(new DrawObject(this));
  }

  void page(PDPage page) throws IOException {
    lastEnd = Float.NaN;
    lastY = Float.NaN;
    processPage(page);
    separate('\n');
  }

  boolean full() {
    return text.length() >= maxChars;
  }

  @Override
  protected void showText(byte[] string) throws IOException {
    if (!full()) {
      super.showText(string);
    }
  }

  /** Every glyph comes here, Type 3 ones too, whose glyph procedures are not run. */
  @Override
  protected void showGlyph(Matrix rendering, PDFont font, int code, Vector displacement) {
    float size = Math.abs(rendering.getScalingFactorX());
    float x = rendering.getTranslateX();
    float y = rendering.getTranslateY();
    if (!Float.isNaN(lastY) && size > 0) {
      if (Math.abs(y - lastY) > LINE_GAP * size) {
        separate('\n');
      } else if (x - lastEnd > WORD_GAP * size) {
        separate(' ');
      }
    }
    String unicode = font.toUnicode(code);
    if (unicode != null) {
      append(unicode);
    }
    lastEnd = x + displacement.getX() * size;
    lastY = y;
  }

  private void separate(char c) {
    int n = text.length();
    if (n > 0 && !Character.isWhitespace(text.charAt(n - 1))) {
      append(String.valueOf(c));
    }
  }

  private void append(String s) {
    int room = maxChars - text.length();
    if (room > 0) {
      text.append(s, 0, Math.min(room, s.length()));
    }
  }
}
