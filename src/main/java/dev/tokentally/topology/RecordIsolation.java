package dev.tokentally.topology;

import dev.tokentally.errors.Unexpected;
import java.util.Set;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.ProcessorWrapper;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.WrappedFixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.WrappedProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Wraps every processor of the topology, DSL ones included, so that an {@link Error} one record
 * causes becomes an exception the {@link DeadLetterProcessingExceptionHandler} can turn into that
 * record's {@code internal_error} dead letter. Streams hands only {@link Exception}s to the
 * handler; an {@code Error} such as {@link StackOverflowError} would otherwise kill the stream
 * thread and, since its offset is never committed, do so again after every restart.
 *
 * <p>Errors the JVM cannot be trusted to continue from ({@link OutOfMemoryError}, {@link
 * InternalError}, {@link UnknownError}) pass through: they end the client and the process.
 */
public final class RecordIsolation implements ProcessorWrapper {

  /** An error one record caused, carried as an exception to the processing exception handler. */
  public static final class RecordError extends RuntimeException {
    RecordError(Error cause) {
      // The class only: an error message can quote the record it failed on.
      super(cause.getClass().getName(), cause, false, false);
    }
  }

  /** The throwable that describes a failure: the error inside a {@link RecordError}, else it. */
  public static Throwable unwrap(Throwable t) {
    return t instanceof RecordError ? t.getCause() : t;
  }

  private static RuntimeException isolate(Error e) {
    if (Unexpected.isFatal(e)) {
      throw e;
    }
    return new RecordError(e);
  }

  @Override
  public <KIn, VIn, KOut, VOut>
      WrappedProcessorSupplier<KIn, VIn, KOut, VOut> wrapProcessorSupplier(
          String processorName, ProcessorSupplier<KIn, VIn, KOut, VOut> supplier) {
    return new WrappedProcessorSupplier<>() {
      @Override
      public Processor<KIn, VIn, KOut, VOut> get() {
        return new Isolated<>(supplier.get());
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return supplier.stores();
      }
    };
  }

  @Override
  public <KIn, VIn, VOut>
      WrappedFixedKeyProcessorSupplier<KIn, VIn, VOut> wrapFixedKeyProcessorSupplier(
          String processorName, FixedKeyProcessorSupplier<KIn, VIn, VOut> supplier) {
    return new WrappedFixedKeyProcessorSupplier<>() {
      @Override
      public FixedKeyProcessor<KIn, VIn, VOut> get() {
        return new IsolatedFixedKey<>(supplier.get());
      }

      @Override
      public Set<StoreBuilder<?>> stores() {
        return supplier.stores();
      }
    };
  }

  private record Isolated<KIn, VIn, KOut, VOut>(Processor<KIn, VIn, KOut, VOut> inner)
      implements Processor<KIn, VIn, KOut, VOut> {
    @Override
    public void init(ProcessorContext<KOut, VOut> context) {
      inner.init(context);
    }

    @Override
    public void process(Record<KIn, VIn> record) {
      try {
        inner.process(record);
      } catch (Error e) {
        throw isolate(e);
      }
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  private record IsolatedFixedKey<KIn, VIn, VOut>(FixedKeyProcessor<KIn, VIn, VOut> inner)
      implements FixedKeyProcessor<KIn, VIn, VOut> {
    @Override
    public void init(FixedKeyProcessorContext<KIn, VOut> context) {
      inner.init(context);
    }

    @Override
    public void process(FixedKeyRecord<KIn, VIn> record) {
      try {
        inner.process(record);
      } catch (Error e) {
        throw isolate(e);
      }
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
