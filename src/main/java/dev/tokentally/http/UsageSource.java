package dev.tokentally.http;

import dev.tokentally.usage.UsageSettings;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Where the usage endpoints read from.
 *
 * @param self this instance's {@code application.server}, or null when unset (single instance)
 */
public record UsageSource(
    KafkaStreams streams, String applicationId, HostInfo self, UsageSettings settings) {}
