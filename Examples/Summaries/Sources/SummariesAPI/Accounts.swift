import Foundation
import GRDB
import HTTPTypes
import HummingbirdBcrypt
import NIOPosix
import SwitchyardPipeline
import SwitchyardStore

/// Sign-up and log-in: bcrypt password hashes, a `free` subscription for every new account,
/// and a session token on success. The business rules of accounts live here, not in handlers.
public final class Accounts: Sendable {
    let database: SQLiteDatabase
    let subscriptions: SQLiteSubscriptionStore
    let signer: SessionSigner
    let bcryptCost: UInt8

    public static let migrations = [
        Migration(
            name: "summaries_001_users",
            sql: """
                CREATE TABLE summaries_users (
                    id TEXT PRIMARY KEY,
                    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    password_hash TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                """)
    ]

    enum SQL {
        static let insert = "INSERT INTO summaries_users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)"
        static let byEmail = "SELECT id, password_hash FROM summaries_users WHERE email = ?"
    }

    /// - Parameter bcryptCost: 2^cost rounds; 10 by default (tests use less).
    public init(database: SQLiteDatabase, subscriptions: SQLiteSubscriptionStore, signer: SessionSigner, bcryptCost: UInt8 = 10) throws {
        try database.migrate(Self.migrations)
        self.database = database
        self.subscriptions = subscriptions
        self.signer = signer
        self.bcryptCost = bcryptCost
    }

    public struct Session: Codable, Sendable {
        public var userID: String
        public var token: String
        public var plan: String?

        enum CodingKeys: String, CodingKey {
            case token, plan
            case userID = "user_id"
        }
    }

    /// A new account on the `free` plan.
    public func signUp(email: String, password: String) async throws -> Session {
        let email = email.trimmingCharacters(in: .whitespaces)
        guard email.contains("@"), email.count <= 254 else {
            throw APIError(.unprocessableContent, code: "invalid_email", message: "that is not an email address")
        }
        guard password.count >= 8, password.utf8.count <= 72 else {
            throw APIError(
                .unprocessableContent, code: "weak_password", message: "passwords are 8 to 72 characters",
                hint: "use a longer passphrase")
        }
        let cost = bcryptCost
        // bcrypt is deliberately slow: off the cooperative pool.
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        let id = UUID().uuidString.lowercased()
        do {
            try await database.pool.write { db in
                try db.execute(sql: SQL.insert, arguments: [id, email, hash, Date().timeIntervalSince1970])
                try self.subscriptions.set(Subscription(plan: "free", status: .active), for: id, in: db)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw APIError(.conflict, code: "email_taken", message: "an account with that email exists", hint: "log in instead")
        }
        return Session(userID: id, token: signer.issue(subject: id), plan: "free")
    }

    /// A session for the account with these credentials.
    public func logIn(email: String, password: String) async throws -> Session {
        let account = try await database.pool.read { db -> (id: String, hash: String)? in
            try Row.fetchOne(db, sql: SQL.byEmail, arguments: [email.trimmingCharacters(in: .whitespaces)]).map { ($0[0], $0[1]) }
        }
        let hash = account?.hash ?? Self.dummyHash
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard let id = account?.id, matches else {
            throw APIError(.unauthorized, code: "invalid_credentials", message: "wrong email or password")
        }
        return Session(userID: id, token: signer.issue(subject: id), plan: nil)
    }

    /// Verified against when the email is unknown, so the reply takes as long as a wrong
    /// password's and does not reveal which accounts exist.
    private static let dummyHash = Bcrypt.hash("not a password", cost: 10)
}
