import CoreMetrics
import Prometheus

/// The process's Prometheus registry. The first use bootstraps swift-metrics with it, so every
/// `Counter`, `Timer` and `Gauge` made in the process (by RoomReel or its libraries) is exported by
/// whichever service serves `/metrics`. swift-metrics allows one bootstrap per process; this is it.
public enum ProcessMetrics {
    /// The registry behind the process's metrics.
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[OutboxRelay.publishDelayMetric] = OutboxRelay.publishDelayBuckets
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Every metric in the Prometheus text exposition format.
    public static func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(16 << 10)
        registry.emit(into: &buffer)
        return buffer
    }
}
