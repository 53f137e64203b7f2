// SPDX-License-Identifier: Apache-2.0
package dev.berth.registry.core;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Consumer;

/** A {@link System.Logger} that hands every message, at every level, to a line consumer. */
final class LineLogger implements System.Logger {
    private final Consumer<String> lines;

    LineLogger(Consumer<String> lines) {
        this.lines = lines;
    }

    @Override
    public String getName() {
        return "dev.berth.registry";
    }

    @Override
    public boolean isLoggable(Level level) {
        return level != Level.OFF;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
        if (thrown == null) {
            lines.accept(level + " " + message);
            return;
        }
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        lines.accept(level + " " + message + System.lineSeparator() + trace.toString().stripTrailing());
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        lines.accept(level + " " + (params == null || params.length == 0 ? format : MessageFormat.format(format, params)));
    }
}
