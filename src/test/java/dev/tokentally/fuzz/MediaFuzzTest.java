package dev.tokentally.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tokentally.media.ImageSize;
import dev.tokentally.media.MediaDuration;
import dev.tokentally.media.PdfDocument;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * The media readers counting trusts with decoded base64 from requests. Each answers or declines
 * (empty) and never throws; what it answers is something a count can be made of.
 */
@Timeout(
    value = FuzzTargets.TIMEOUT_SECONDS,
    unit = TimeUnit.SECONDS,
    threadMode = ThreadMode.SEPARATE_THREAD)
class MediaFuzzTest {
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  void imageHeader(byte[] data) {
    Optional<String> type = ImageSize.mediaType(data);
    Optional<ImageSize> size = ImageSize.read(data);
    size.ifPresent(
        s -> {
          assertThat(s.width()).isBetween(1, 1 << 20);
          assertThat(s.height()).isBetween(1, 1 << 20);
          assertThat(type).as("a size is read only from a recognised signature").isPresent();
        });
  }

  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  void mediaDuration(byte[] data) {
    MediaDuration.seconds(data)
        .ifPresent(seconds -> assertThat(seconds).isFinite().isNotNegative());
  }

  /** Only {@code read} and the record's accessors: the reader's internals are being replaced. */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  void pdfDocument(byte[] data) {
    PdfDocument.read(data)
        .ifPresent(
            pdf -> {
              assertThat(pdf.pages()).isPositive();
              assertThat(pdf.text()).isNotNull();
              assertThat(pdf.pageWidth()).isFinite().isPositive();
              assertThat(pdf.pageHeight()).isFinite().isPositive();
            });
  }
}
