import GRDB
import Hummingbird
import NIOCore
import SwitchyardStore

extension Router {
    /// `GET /health`: 200 when the database answers, else 503. (`GET /metrics` is the app's,
    /// in its metrics backend's format.)
    public func addHealthRoute(database: SQLiteDatabase) {
        get("health") { _, _ -> Response in
            let healthy = (try? await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
            let body =
                healthy ? #"{"status":"ok","database":"ok"}"# : #"{"status":"degraded","database":"unavailable"}"#
            return Response(
                status: healthy ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: body)))
        }
    }
}
