package dev.topo.server.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT: the first starts a graceful stop, the second exits at once. Shutdown hooks cannot do this: the
 * JVM ignores further signals once hooks run, so a stuck drain could only be ended with SIGKILL.
 */
public final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /** SIGTERM and SIGINT do nothing: for a process whose lifetime another process decides. */
    public static void ignoreTerminate() {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), SignalHandler.SIG_IGN);
        }
    }

    /** SIGHUP: a live reload of the configuration file, as nginx and HAProxy take it. */
    public static void onHangup(Runnable reload) {
        Signal.handle(new Signal("HUP"), signal -> {
            log.info("SIGHUP received");
            reload.run();
        });
    }

    public static void onTerminate(Runnable gracefulStop) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (stopping.compareAndSet(false, true)) {
                    log.info("SIG{} received: graceful stop (send it again to exit at once)", signal.getName());
                    gracefulStop.run();
                } else {
                    log.warn("SIG{} received again: exiting now", signal.getName());
                    Runtime.getRuntime().halt(128 + signal.getNumber());
                }
            });
        }
    }
}
