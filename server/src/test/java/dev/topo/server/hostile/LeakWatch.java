package dev.topo.server.hostile;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Turns Netty's leak reports into test failures. The paranoid detector only logs a leak, and only when a later
 * allocation finds the collected, unreleased buffer; this listens on the buffer detector and makes that happen.
 */
public final class LeakWatch {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private LeakWatch() {
    }

    /** Starts listening (once per JVM); the detector is a static field Netty does not expose. */
    public static synchronized void install() throws ReflectiveOperationException {
        if (installed) {
            return;
        }
        Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
        field.setAccessible(true);
        ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) field.get(null);
        detector.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
        installed = true;
    }

    /** Collects garbage and allocates until any unreleased buffer would have been reported; returns the reports. */
    public static List<String> leaksSoFar() throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 64; i++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                probe.release();
            }
        }
        return List.copyOf(LEAKS);
    }

    public static boolean paranoid() {
        return ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID;
    }
}
