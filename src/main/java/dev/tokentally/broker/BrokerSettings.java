package dev.tokentally.broker;

import java.nio.file.Path;

/** The single-node KRaft broker started when {@code bootstrap.servers} is not configured. */
public record BrokerSettings(String host, int port, int controllerPort, Path dataDir) {}
