import SwitchyardJobs
import Testing

@Suite struct JobErrorTests {
    @Test func theDescriptionIsWhatTheJobRecordsAndEqualityIgnoresWhereItWasMade() {
        let error = JobError(.payloadNotDecodable, detail: "keyNotFound(to)")
        #expect(error.description == "payload does not decode: keyNotFound(to)")
        #expect(error.kind.description == "payload_not_decodable")
        #expect(error.file == "SwitchyardJobsTests/JobErrorTests.swift")
        let elsewhere = JobError(.payloadNotDecodable, detail: "keyNotFound(to)", file: "Other.swift", line: 1)
        #expect(error == elsewhere)
        #expect(Set([error, elsewhere]).count == 1)
        #expect(error != JobError(.payloadNotDecodable, detail: "other"))
    }
}
