/// Text for a terminal: a plan's cells end up in reports, and an escape sequence in one must not
/// clear the screen or retitle the window. Control characters other than newline and tab (C0,
/// DEL, C1) are shown as `\u{1B}` instead.
func terminalSafe(_ text: String) -> String {
    var out = ""
    out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
        let value = scalar.value
        if (value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7F...0x9F).contains(value) {
            out += "\\u{\(String(value, radix: 16, uppercase: true))}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
