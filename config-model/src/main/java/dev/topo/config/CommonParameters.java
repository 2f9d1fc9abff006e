package dev.topo.config;

/**
 * The parameters several kinds read, validated one way wherever they appear ({@code workers} means loops to one kind
 * and threads to another, but its range and its {@code auto} are the same).
 */
final class CommonParameters {
    private CommonParameters() {
    }

    static int cpus() {
        return CpuCountDeserializer.cpus();
    }

    static int workers(Integer workers) {
        return Check.between("topology.workers", Check.orDefault(workers, cpus()), 1, 4096);
    }

    static int listeners(Integer listeners) {
        return Check.between("topology.listeners", Check.orDefault(listeners, 1), 1, 256);
    }

    static int workersPerListener(Integer workersPerListener, int fallback) {
        return Check.between("topology.workersPerListener", Check.orDefault(workersPerListener, fallback), 0, 1024);
    }

    static int processes(Integer processes) {
        return Check.between("topology.processes", Check.orDefault(processes, cpus()), 1, 64);
    }

    static int standbyWorkers(Integer standbyWorkers) {
        return Check.between("topology.standbyWorkers", Check.orDefault(standbyWorkers, 1), 0, 8);
    }

    static int maxRestarts(Integer maxRestarts) {
        return Check.between("topology.maxRestarts", Check.orDefault(maxRestarts, 5), 0, 1000);
    }
}
