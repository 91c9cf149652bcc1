package dev.basalt.cli.logging;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J 2 provider of the {@code basalt} command (registered in {@code META-INF/services}): Jetty's logs, and
 * anything else logging through SLF4J, go to {@link CliLogging}'s output at its levels.
 */
public final class CliSlf4jProvider implements SLF4JServiceProvider {
    private final ILoggerFactory loggers = new ILoggerFactory() {
        private final ConcurrentMap<String, Logger> made = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return made.computeIfAbsent(name, CliSlf4jLogger::new);
        }
    };
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }
}
