// The gateway and REST tests measure scaled time on real sockets (100x: 1 ms real is 100 ms scaled). Run one at a
// time, so that two timing tests do not compete for a 2-core CI machine's CPU and stall each other's timers.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
