package dev.topo.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code reload.watch: true}: calls back once each time the configuration file's content changes. It watches the
 * file's directory, not the file: editors replace files by renaming, and a Kubernetes ConfigMap volume changes by
 * swapping the {@code ..data} symlink the file's own symlink points through, which no watch on the file would see.
 * Any event in the directory is followed by a short quiet period, then the file (through its symlinks) is read and
 * compared with what was last seen, so a swap of three renames or an editor's several writes make one reload, and a
 * touch that changes nothing makes none.
 */
public final class ConfigFileWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigFileWatcher.class);
    /** Events closer together than this are one change (a ConfigMap swap is a few renames within microseconds). */
    private static final long QUIET_MILLIS = 300;

    private final Path file;
    private final Runnable changed;
    private final WatchService watcher;
    private final Thread thread;
    private byte[] seen;

    private ConfigFileWatcher(Path file, byte[] loaded, Runnable changed) throws IOException {
        this.file = file;
        this.changed = changed;
        this.seen = loaded;
        this.watcher = FileSystems.getDefault().newWatchService();
        Path dir = file.toAbsolutePath().getParent();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = new Thread(this::run, "topo-config-watch");
        thread.setDaemon(true);
    }

    /**
     * Watches {@code file}, whose content had the hash {@code loaded} ({@link #contentHash}) when the running
     * configuration was read from it; {@code changed} runs on the watcher's thread after each change of its content,
     * including one made between that read and this call (a start takes seconds).
     */
    public static ConfigFileWatcher start(Path file, byte[] loaded, Runnable changed) {
        try {
            ConfigFileWatcher w = new ConfigFileWatcher(file, loaded, changed);
            w.thread.start();
            log.info("watching {} for changes (reload.watch)", file);
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + file, e);
        }
    }

    private void run() {
        try {
            // A change made before the watch began is checked like any other: once the directory is quiet, so that
            // a write under way as the server starts is not read half done.
            awaitQuiet();
            reloadIfChanged();
            while (true) {
                consume(watcher.take());
                awaitQuiet();
                reloadIfChanged();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    /** Lets the rest of a change arrive: returns once no event has come for {@link #QUIET_MILLIS}. */
    private void awaitQuiet() throws InterruptedException {
        for (WatchKey more = watcher.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS); more != null;
                more = watcher.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS)) {
            consume(more);
        }
    }

    private static void consume(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    private void reloadIfChanged() {
        byte[] now = contentHash(file);
        if (now != null && !Arrays.equals(now, seen)) {
            seen = now;
            log.info("{} changed: reloading", file);
            changed.run();
        }
    }

    /** The file's content hash (SHA-256), or null while it cannot be read (mid-swap, or removed). */
    public static byte[] contentHash(Path file) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            log.debug("closing the watch", e);
        }
        thread.interrupt();
    }
}
