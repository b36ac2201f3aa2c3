import Foundation

/// `value` as pretty-printed JSON with sorted keys and a final newline: the builder's reports are
/// byte-identical for the same content.
func prettyJSON(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do {
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    } catch {
        // The reports hold strings, numbers and booleans only.
        preconditionFailure("Switchyard: a report could not be encoded as JSON: \(error)")
    }
}
