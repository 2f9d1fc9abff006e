package dev.topo.loadgen.engine;

/**
 * A second request target sent in place of the main one on every {@code every}-th request of each client thread
 * (the 1st to {@code every-1}-th go to the main path): a deterministic mix, so that two runs, or two topologies,
 * get the same slow requests at the same places in the schedule rather than a random share.
 *
 * @param path  request target of the mixed-in requests, such as {@code /work?sleep=50ms}
 * @param every one request in {@code every} goes to {@code path}
 */
public record RequestMix(String path, int every) {

    public RequestMix {
        if (path == null || !path.startsWith("/")) {
            throw new InvalidValueException("mix.path", path == null ? "missing" : InvalidValueException.quoted(path),
                    "a path starting with '/'");
        }
        if (every < 2) {
            // 1 would be "all of them": that is the main path's job.
            throw new InvalidValueException("mix.every", String.valueOf(every), ">= 2");
        }
    }

    /** Whether request {@code index} (0-based, in send order of one thread) goes to {@link #path}. */
    public boolean mixedIn(long index) {
        return index % every == every - 1;
    }

    /** Parses the command line's {@code PATH:EVERY}, split at the last colon (a path may hold one). */
    public static RequestMix parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new InvalidValueException("mix", InvalidValueException.quoted(text), "PATH:EVERY, as /work:100");
        }
        int every;
        try {
            every = Integer.parseInt(text.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            throw new InvalidValueException("mix", InvalidValueException.quoted(text), "PATH:EVERY, as /work:100");
        }
        return new RequestMix(text.substring(0, colon).trim(), every);
    }
}
