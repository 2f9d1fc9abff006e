package dev.topo.server.process;

/** The shared body on process-fd-passing with a dynamic pool (it idles at min; DynamicPoolTest makes it move). */
class ProcessFdPassingPoolTest extends ProcessContract {
    @Override
    String yaml() {
        return "topology: {kind: process-fd-passing, processes: {min: 1, max: 3, minSpare: 1, maxSpare: 2}, "
                + "workers: 1, standbyWorkers: 0}\n";
    }
}
