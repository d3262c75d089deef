package dev.tokentally.testing;

import dev.tokentally.topology.Names;
import dev.tokentally.topology.RecordIsolation;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorWrapper;
import org.apache.kafka.streams.processor.api.WrappedFixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.WrappedProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Production's {@link RecordIsolation} around processors whose request-assessing step fails on
 * purpose when a record's value holds a marker: {@link #STACK_OVERFLOW} recurses until the stack
 * overflows for real, {@link #RUNTIME} throws an {@link IllegalStateException}, {@link #FATAL} an
 * {@link InternalError}. The fault happens inside the isolated processor, where a bug in counting
 * would.
 */
public final class FaultInjection implements ProcessorWrapper {
  public static final String STACK_OVERFLOW = "inject-stack-overflow";
  public static final String RUNTIME = "inject-runtime-exception";
  public static final String FATAL = "inject-internal-error";

  private final RecordIsolation isolation = new RecordIsolation();

  /** {@code props} with this wrapper in place of production's. */
  public static Properties into(Properties props) {
    props.put(StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG, FaultInjection.class.getName());
    return props;
  }

  @Override
  public <KIn, VIn, KOut, VOut>
      WrappedProcessorSupplier<KIn, VIn, KOut, VOut> wrapProcessorSupplier(
          String processorName, ProcessorSupplier<KIn, VIn, KOut, VOut> supplier) {
    return isolation.wrapProcessorSupplier(processorName, supplier);
  }

  @Override
  public <KIn, VIn, VOut>
      WrappedFixedKeyProcessorSupplier<KIn, VIn, VOut> wrapFixedKeyProcessorSupplier(
          String processorName, FixedKeyProcessorSupplier<KIn, VIn, VOut> supplier) {
    if (!processorName.equals(Names.ASSESS_REQUEST)) {
      return isolation.wrapFixedKeyProcessorSupplier(processorName, supplier);
    }
    return isolation.wrapFixedKeyProcessorSupplier(
        processorName,
        new FixedKeyProcessorSupplier<KIn, VIn, VOut>() {
          @Override
          public FixedKeyProcessor<KIn, VIn, VOut> get() {
            return new Faulty<>(supplier.get());
          }

          @Override
          public Set<StoreBuilder<?>> stores() {
            return supplier.stores();
          }
        });
  }

  private record Faulty<KIn, VIn, VOut>(FixedKeyProcessor<KIn, VIn, VOut> inner)
      implements FixedKeyProcessor<KIn, VIn, VOut> {
    @Override
    public void init(FixedKeyProcessorContext<KIn, VOut> context) {
      inner.init(context);
    }

    @Override
    public void process(FixedKeyRecord<KIn, VIn> record) {
      String value =
          record.value() instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : "";
      if (value.contains(STACK_OVERFLOW)) {
        recurse(0);
      } else if (value.contains(RUNTIME)) {
        throw new IllegalStateException("injected fault");
      } else if (value.contains(FATAL)) {
        throw new InternalError("injected fatal fault");
      }
      inner.process(record);
    }

    private static long recurse(long depth) {
      return recurse(depth + 1) + 1;
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
