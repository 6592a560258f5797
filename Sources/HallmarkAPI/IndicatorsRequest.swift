/// The body of `POST /v1/indicators`: `{"indicators": [IndicatorInput, …]}`, asserted under one signed checkpoint.
struct IndicatorsRequest: Decodable, Sendable {
    var indicators: [IndicatorInput]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case indicators
    }

    init(from decoder: any Decoder) throws {
        indicators = try decoder.knownFields(CodingKeys.self).decode([IndicatorInput].self, forKey: .indicators)
    }
}
