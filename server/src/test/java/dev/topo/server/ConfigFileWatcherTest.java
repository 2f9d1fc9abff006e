package dev.topo.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The watch behind {@code reload.watch} on a real directory (a ConfigMap-style swap: TopoServerCommandTest). */
@Timeout(20)
class ConfigFileWatcherTest {
    @TempDir
    Path dir;

    @Test
    void anEditWhileTheServerStartedIsReloadedAtOnce() throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, "topology: {kind: single-acceptor}\n");
        byte[] loaded = ConfigFileWatcher.contentHash(file);
        // Changed after the server read it and before the watch began: no event will ever tell.
        Files.writeString(file, "topology: {kind: reuseport}\n");
        Semaphore reloads = new Semaphore(0);
        try (ConfigFileWatcher w = ConfigFileWatcher.start(file, loaded, reloads::release)) {
            assertTrue(reloads.tryAcquire(5, TimeUnit.SECONDS), "the change went unseen");
            assertFalse(reloads.tryAcquire(1, TimeUnit.SECONDS), "one change, one reload");
        }
    }

    @Test
    void aWriteUnderWayAsTheWatchBeginsIsReadOnceItIsDone() throws Exception {
        Path file = dir.resolve("server.yaml");
        String content = "topology: {kind: single-acceptor}\n";
        Files.writeString(file, content);
        byte[] loaded = ConfigFileWatcher.contentHash(file);
        // An in-place rewrite of the same content has written half when the watch begins.
        Files.writeString(file, "topology: {kind: ");
        Semaphore reloads = new Semaphore(0);
        try (ConfigFileWatcher w = ConfigFileWatcher.start(file, loaded, reloads::release)) {
            Thread.sleep(50);
            Files.writeString(file, content);
            assertFalse(reloads.tryAcquire(1500, TimeUnit.MILLISECONDS), "the half-written file was taken as a change");
        }
    }

    @Test
    void aTouchIsNothingAndAnEditIsOneReload() throws Exception {
        Path file = dir.resolve("server.yaml");
        Files.writeString(file, "topology: {kind: single-acceptor}\n");
        Semaphore reloads = new Semaphore(0);
        try (ConfigFileWatcher w = ConfigFileWatcher.start(file, ConfigFileWatcher.contentHash(file),
                reloads::release)) {
            Files.writeString(file, "topology: {kind: single-acceptor}\n");
            assertFalse(reloads.tryAcquire(1500, TimeUnit.MILLISECONDS), "same content rewritten: no reload");
            Files.writeString(file, "topology: {kind: ");
            Files.writeString(file, "topology: {kind: reuseport}\n");
            assertTrue(reloads.tryAcquire(5, TimeUnit.SECONDS), "the edit went unseen");
            assertFalse(reloads.tryAcquire(1, TimeUnit.SECONDS), "two writes in a row are one change");
        }
    }
}
