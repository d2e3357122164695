import ServiceSettings


extension EnvironmentReader {
    /// A comma-separated list of addresses and CIDR blocks (e.g. `127.0.0.0/8,10.1.2.3`); empty when unset.
    public func addressRanges(_ name: String) throws -> [IPRange] {
        try (optionalString(name) ?? "").split(separator: ",").map { item in
            let text = item.trimmingCharacters(in: .whitespaces)
            guard let range = IPRange(text) else {
                throw ConfigurationError(variable: name, problem: "has '\(text)', which is not an address or CIDR block")
            }
            return range
        }
    }
}
