import Foundation
import SwitchyardModel

/// When and how long to wait before retrying a failed model call — the official SDKs'
/// rules.
///
/// - Retried: 408, 409, 429, 5xx, 529, timeouts and connection failures; an
///   `x-should-retry: true|false` response header overrides this.
/// - Wait: `retry-after-ms` or `retry-after` (seconds or an HTTP date) when present and
///   at most ``maxRetryAfter``; otherwise ``initialBackoff`` × 2ⁿ, at most ``maxBackoff``,
///   shortened by up to ``jitter`` at random.
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt. Default 2 (the SDKs' default).
    public var maxRetries: Int
    /// The first backoff. Default 0.5 s.
    public var initialBackoff: Duration
    /// The longest computed backoff. Default 8 s.
    public var maxBackoff: Duration
    /// The fraction of a computed backoff removed at random. Default 0.25.
    public var jitter: Double
    /// A server's `retry-after` is honoured up to this long. Default 60 s.
    public var maxRetryAfter: Duration

    public init(
        maxRetries: Int = 2, initialBackoff: Duration = .milliseconds(500), maxBackoff: Duration = .seconds(8),
        jitter: Double = 0.25, maxRetryAfter: Duration = .seconds(60)
    ) {
        precondition(maxRetries >= 0, "Switchyard: maxRetries must not be negative")
        precondition((0...1).contains(jitter), "Switchyard: jitter must be within 0...1")
        self.maxRetries = maxRetries
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.jitter = jitter
        self.maxRetryAfter = maxRetryAfter
    }

    /// No retries.
    public static let none = RetryPolicy(maxRetries: 0)

    /// Whether to retry `error` after `attempt` retries, given the response's
    /// `x-should-retry` header.
    public func shouldRetry(_ error: LLMError, retriesSoFar: Int, shouldRetryHeader: String?) -> Bool {
        guard retriesSoFar < maxRetries else { return false }
        switch shouldRetryHeader?.lowercased() {
        case "true": return true
        case "false": return false
        default: return error.isRetryable
        }
    }

    /// The wait before retry number `retry` (0 for the first retry).
    /// - Parameter random: a number in 0..<1 (injected, so tests are exact).
    public func backoff(retry: Int, retryAfter: Duration?, random: Double) -> Duration {
        if let retryAfter, retryAfter > .zero, retryAfter <= maxRetryAfter { return retryAfter }
        let exponential = initialBackoff * (1 << min(retry, 30))
        let capped = min(exponential, maxBackoff)
        return capped * (1 - jitter * random)
    }

    /// The server-requested wait from `retry-after-ms` or `retry-after`, if any.
    public static func retryAfter(milliseconds: String?, value: String?, now: Date = Date()) -> Duration? {
        if let milliseconds, let ms = Double(milliseconds.trimmingCharacters(in: .whitespaces)), ms >= 0 {
            return .milliseconds(Int64(ms))
        }
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        let seconds = date.timeIntervalSince(now)
        return seconds > 0 ? .milliseconds(Int64(seconds * 1000)) : nil
    }
}
