/// The body of `POST /v1/indicators`: `{"indicators": [IndicatorInput, …]}`, asserted under one signed checkpoint.
public struct IndicatorsRequest: Codable, Sendable {
    public var indicators: [IndicatorInput]

    /// The request asserting `indicators`.
    public init(indicators: [IndicatorInput]) {
        self.indicators = indicators
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case indicators
    }

    public init(from decoder: any Decoder) throws {
        indicators = try decoder.knownFields(CodingKeys.self).decode([IndicatorInput].self, forKey: .indicators)
    }
}
