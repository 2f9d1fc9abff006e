package dev.topo.loadgen.cli;

import dev.topo.loadgen.engine.InvalidValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the parts of a split test start: the instant given, or the one they agree on at a barrier. */
@Timeout(20)
class StartTimeTest {

    @Test
    void anInstantIsEpochSecondsOrIso8601WithAZone() {
        assertEquals(1_796_294_487_000L, StartTime.parseEpochMs("1796294487"));
        assertEquals(1_796_294_487_250L, StartTime.parseEpochMs("1796294487.25"));
        assertEquals(1_796_294_487_000L, StartTime.parseEpochMs("2026-12-03T10:41:27Z"));
        assertEquals(1_796_294_487_000L, StartTime.parseEpochMs("2026-12-03T11:41:27+01:00"));
        for (String bad : new String[]{"2026-12-03T10:41:27", "soon", "-5", ""}) {
            InvalidValueException e = assertThrows(InvalidValueException.class, () -> StartTime.parseEpochMs(bad));
            assertEquals("--start-at: '" + bad + "' (expected: " + StartTime.EXPECTED + ")", e.getMessage());
        }
    }

    @Test
    void partsAtABarrierAgreeOnOneStartOnceAllHaveArrived(@TempDir Path dir) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Long>> starts = new ArrayList<>();
            long before = System.currentTimeMillis();
            for (int i = 0; i < 3; i++) {
                int index = i;
                starts.add(pool.submit(() -> StartTime.barrier(dir, index, 3)));
                // The last part arrives 300 ms after the first: the first waits for it.
                Thread.sleep(150);
            }
            long start = starts.get(0).get();
            for (Future<Long> f : starts) {
                assertEquals(start, f.get(), "one start for all");
            }
            // The latest proposal: the last part's arrival plus the lead.
            assertTrue(start >= before + 300 + StartTime.BARRIER_LEAD_MS, "start " + (start - before) + " ms");
            assertTrue(start <= System.currentTimeMillis() + StartTime.BARRIER_LEAD_MS, "not later than needed");
            assertEquals(3, Files.list(dir).filter(p -> p.getFileName().toString().startsWith("ready-")).count());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPartAloneAtTheBarrierWaits(@TempDir Path dir) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Long> alone = pool.submit(() -> StartTime.barrier(dir, 1, 2));
            Thread.sleep(500);
            assertFalse(alone.isDone(), "one of two parts must not start");
            Files.writeString(dir.resolve("ready-0"), "42");
            assertTrue(alone.get() > 42, "the later proposal wins");
        } finally {
            pool.shutdownNow();
        }
    }
}
