import SwitchyardConfiguration

/// The builder's settings in switchyard.toml: `[build] protect = ["Sources/App/Agents/Legacy*"]`,
/// globs of paths the builder must never write, whatever its ownership table says. (`[build.llm]`,
/// the model that writes logic files, is read by the CLI with `LLMSettings`.)
enum BuildSettings {
    static func protect(inTOML text: String) throws(ConfigurationError) -> [String] {
        let file = try ConfigurationFile(text: text)
        return try file.root.table("build", known: ["protect", "llm"])?.strings("protect") ?? []
    }
}
