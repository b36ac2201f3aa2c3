import Foundation
import GRDB
import ServiceLifecycle
import SwitchyardStore

/// Usage counted for one request: refunded if the request fails, kept if it succeeds.
public struct UsageTicket: Sendable, Hashable {
    /// The ledger row.
    public var ledgerID: Int64
    public var subject: String
    public var periodStart: Int64
    public var units: Int
    public var idempotencyKey: String?
    /// Whether the response was stored under ``idempotencyKey`` with the count (a thin proxy
    /// that knew its answer inside the transaction), so there is nothing left to store.
    public var responseStored = false

    package init(
        ledgerID: Int64, subject: String, periodStart: Int64, units: Int, idempotencyKey: String?,
        responseStored: Bool = false
    ) {
        self.ledgerID = ledgerID
        self.subject = subject
        self.periodStart = periodStart
        self.units = units
        self.idempotencyKey = idempotencyKey
        self.responseStored = responseStored
    }
}
