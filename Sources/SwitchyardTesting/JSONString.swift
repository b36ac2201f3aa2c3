import Foundation

/// `value` as a JSON string literal, quotes and escapes included: for writing request bodies
/// by hand in tests (`#"{"email":\#(jsonString(email))}"#`).
public func jsonString(_ value: String) -> String {
    // Encoding a String cannot fail; the fallback only satisfies the type checker.
    guard let data = try? JSONEncoder().encode(value) else { return "\"\"" }
    return String(decoding: data, as: UTF8.self)
}
