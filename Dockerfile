# syntax=docker/dockerfile:1
# tokentally: build with the Maven wrapper, run on a JRE as a non-root user.

# --- build -------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# Dependencies first, in their own layer: a source change does not download them again.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -q -B dependency:go-offline
COPY src src
COPY topology topology
RUN ./mvnw -q -B package -DskipTests

# --- run ---------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
# curl is for HEALTHCHECK only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 tokentally \
 && useradd --system --uid 10001 --gid tokentally --home-dir /var/lib/tokentally tokentally \
 && mkdir -p /var/lib/tokentally/data \
 && chown -R tokentally:tokentally /var/lib/tokentally
COPY --from=build /src/target/tokentally.jar /opt/tokentally/tokentally.jar

USER 10001:10001
# State (./data/streams) lives here; mount a volume on /var/lib/tokentally/data to keep it.
WORKDIR /var/lib/tokentally
# Half the container's memory for the heap: the rest is RocksDB, metaspace, thread stacks and the
# tokenizers' tables (a 512 MiB heap ran at up to 817 MiB RSS; README, Reliability). Exit on
# OutOfMemoryError so the orchestrator restarts a clean process instead of a broken one.
ENV JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError" \
    TOKENTALLY_HTTP_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD scheme=http; [ -n "$TOKENTALLY_HTTP_TLS_KEYSTORE" ] && scheme=https; \
      curl -fsSk "$scheme://localhost:${TOKENTALLY_HTTP_PORT}/health/ready" > /dev/null || exit 1
# Configuration comes from the environment: KAFKA_* for Kafka and Streams, TOKENTALLY_* for
# tokentally (README, Configuration). "exec" makes java PID 1, so SIGTERM reaches it.
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/tokentally/tokentally.jar \"$@\"", "tokentally"]
CMD ["run"]
