package dev.tokentally.counting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokentally.media.ImageSize;
import dev.tokentally.media.MediaDuration;
import dev.tokentally.media.PdfDocument;
import dev.tokentally.testing.MinimalPdf;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Header readers against files written by real encoders (the JDK's ImageIO) and by spec. */
class MediaHeadersTest {
  private static byte[] encode(String format, int w, int h) throws IOException {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, format, out)).isTrue();
    return out.toByteArray();
  }

  @Test
  void readsWidthAndHeightOfPngJpegAndGif() throws IOException {
    assertThat(ImageSize.read(encode("png", 640, 480))).contains(new ImageSize(640, 480));
    assertThat(ImageSize.read(encode("jpg", 1024, 77))).contains(new ImageSize(1024, 77));
    assertThat(ImageSize.read(encode("gif", 31, 900))).contains(new ImageSize(31, 900));
    assertThat(ImageSize.read(SyntheticPng.of(4000, 3000))).contains(new ImageSize(4000, 3000));
  }

  @Test
  void readsWebpLosslessHeader() {
    // VP8L: signature 0x2f, then 14-bit width-1 and height-1.
    ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII))
        .putInt(32)
        .put("WEBPVP8L".getBytes(StandardCharsets.US_ASCII));
    b.putInt(10).put((byte) 0x2f).putInt((299) | (199 << 14));
    assertThat(ImageSize.read(b.array())).contains(new ImageSize(300, 200));
  }

  @Test
  void rejectsWhatIsNotAnImage() {
    assertThat(
            ImageSize.read("just some text that is long enough".getBytes(StandardCharsets.UTF_8)))
        .isEmpty();
    assertThat(ImageSize.read(new byte[] {(byte) 0x89, 'P', 'N', 'G'})).isEmpty();
  }

  @Test
  void countsPdfPagesAndExtractsText() {
    // Three pages, the first showing a string with escaped parentheses; only page content counts.
    byte[] pdf =
        MinimalPdf.pages(List.of(List.of("Hello (PDF) world"), List.of(), List.of()), false);
    PdfDocument doc = PdfDocument.read(pdf).orElseThrow();
    assertThat(doc.pages()).isEqualTo(3);
    assertThat(doc.text()).contains("Hello (PDF) world");
    assertThat(PdfDocument.read("%PDF-1.4\n%%EOF".getBytes(StandardCharsets.ISO_8859_1))).isEmpty();
  }

  @Test
  void readsWavDuration() {
    int rate = 16_000;
    int seconds = 3;
    ByteBuffer b = ByteBuffer.allocate(44 + rate * 2 * seconds).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII))
        .putInt(36 + rate * 2 * seconds)
        .put("WAVE".getBytes(StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(StandardCharsets.US_ASCII))
        .putInt(16)
        .putShort((short) 1)
        .putShort((short) 1)
        .putInt(rate)
        .putInt(rate * 2)
        .putShort((short) 2)
        .putShort((short) 16);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(rate * 2 * seconds);
    assertThat(MediaDuration.seconds(b.array())).contains(3.0);
  }
}
