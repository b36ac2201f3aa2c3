import Foundation
import GRDB
import HTTPTypes
import HummingbirdBcrypt
import NIOPosix
import Prometheus
import SwitchyardPipeline
import SwitchyardStore

/// Sign-up and log-in: bcrypt password hashes, a `free` subscription for every new account,
/// and a session token on success. The business rules of accounts live here, not in handlers.
///
/// **Emails** are taken as sent: never trimmed, so `"ada@example.com\n"` is refused. One is
/// valid with no whitespace, line break, control or format character; exactly one `@`; a
/// local part of 1 to 64 bytes without `"(),:;<>[\]`, leading, trailing or doubled dots; a
/// domain of two or more dot-separated labels of 1 to 63 letters, digits or hyphens (not at
/// either end); at most 254 bytes in all. An account is keyed (and stored) by its email
/// normalised as NFKC, then Unicode full case folding, then NFKC again (close to Unicode's
/// NFKC_Casefold, which also drops default-ignorable characters; the format characters among
/// them are refused here): so `Ada@Example.com`, `ADA@EXAMPLE.COM` and full-width
/// `ａｄａ@example.com` are one account, and so are `STRASSE@x.de` and `straße@x.de` (`ß`
/// folds to `ss`). The checks apply to the normalised form.
///
/// **Passwords** are 8 characters to 72 bytes of UTF-8, and never contain NUL. bcrypt reads
/// a C string, and at most 72 bytes of it: a NUL would end the password there (eight NULs
/// would be the empty password), and bytes past 72 would be ignored. So a NUL is refused with
/// 400 `invalid_password`; at sign-up a longer password is refused with 422
/// `password_too_long` rather than cut (so every byte of a password counts), and at log-in it
/// is simply wrong (401, no hash run: it cannot be any account's).
///
/// **Failed log-ins** are limited per account and client address: each attempt takes one
/// from the ``RateLimiter`` of that account at that address before any hash is run, and a
/// successful one gives it back. Keyed by the account alone, the limit would let anyone lock
/// an account out — a wrong password every few minutes and its owner's right one is refused
/// too; keyed with the address, a guesser is held back at each address it uses, and the
/// per-address limit (middleware on the routes) bounds how many accounts it tries.
public final class Accounts: Sendable {
    let database: SQLiteDatabase
    let subscriptions: SQLitePlanSubscriptionStore
    let signer: SessionSigner
    let bcryptCost: UInt8
    let failedLogins: RateLimiter
    /// bcrypt runs (hashes and checks): where the auth routes' CPU goes.
    let passwordHashes: Counter

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

    /// - Parameters:
    ///   - bcryptCost: 2^cost rounds; 10 by default (tests use less).
    ///   - failedLogins: keyed by normalised email and client address; by default 5 per 15 minutes.
    ///   - metrics: gets `summaries_password_hashes_total`.
    public init(
        database: SQLiteDatabase, subscriptions: SQLitePlanSubscriptionStore, signer: SessionSigner,
        bcryptCost: UInt8 = 10,
        failedLogins: RateLimiter = RateLimiter(RateLimit(5, per: .seconds(900)), clock: ContinuousClock()),
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
    ) throws {
        try database.migrate(Self.migrations)
        self.database = database
        self.subscriptions = subscriptions
        self.signer = signer
        self.bcryptCost = bcryptCost
        self.failedLogins = failedLogins
        self.passwordHashes = metrics.makeCounter(
            descriptor: MetricNameDescriptor(
                namespace: "summaries", metricName: "password_hashes", unitName: "total",
                helpText: "bcrypt hashes and checks run by sign-up and log-in"))
    }

    public struct Session: Codable, Sendable {
        public var userID: String
        public var token: String
        public var plan: String?
    }

    /// A new account on the `free` plan.
    public func signUp(email: String, password: String) async throws -> Session {
        let email = try Self.accountKey(email: email)
        try Self.checkNoNUL(password)
        guard password.count >= Self.minimumPasswordLength else {
            throw APIError.weakPassword(minimumLength: Self.minimumPasswordLength)
        }
        guard password.utf8.count <= Self.maximumPasswordBytes else {
            throw APIError.passwordTooLong(maximumBytes: Self.maximumPasswordBytes)
        }
        let cost = bcryptCost
        // bcrypt is deliberately slow: off the cooperative pool.
        passwordHashes.increment()
        let hash = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
        let id = UUID().uuidString.lowercased()
        do {
            try await database.pool.write { db in
                try db.execute(sql: SQL.insert, arguments: [id, email, hash, Date().timeIntervalSince1970])
                try self.subscriptions.set(PlanSubscription(plan: "free", status: .active), for: id, in: db)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw APIError.emailTaken()
        }
        return Session(userID: id, token: signer.issue(subject: id), plan: "free")
    }

    /// A session for the account with these credentials.
    /// - Parameter clientAddress: where the attempt comes from (``clientAddressKey(_:)``), for
    ///   the failed log-in limit.
    public func logIn(email: String, password: String, clientAddress: String = "local") async throws -> Session {
        let email = try Self.accountKey(email: email)
        try Self.checkNoNUL(password)
        // Before the hash: a refused attempt costs no bcrypt.
        let attempts = email + " " + clientAddress
        try failedLogins.acquire(attempts, scope: "account")
        let invalid = APIError.invalidCredentials()
        guard password.utf8.count <= Self.maximumPasswordBytes else { throw invalid }
        let account = try await database.pool.read { db -> (id: String, hash: String)? in
            try Row.fetchOne(db, sql: SQL.byEmail, arguments: [email]).map { ($0[0], $0[1]) }
        }
        let hash = account?.hash ?? Self.dummyHash
        passwordHashes.increment()
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        guard let id = account?.id, matches else { throw invalid }
        failedLogins.release(attempts)
        return Session(userID: id, token: signer.issue(subject: id), plan: nil)
    }

    static let minimumPasswordLength = 8
    /// bcrypt's limit.
    static let maximumPasswordBytes = 72

    private static func checkNoNUL(_ password: String) throws(APIError) {
        guard !password.utf8.contains(0) else {
            throw APIError.invalidPassword()
        }
    }

    /// The account key of `email` (see the type's documentation), or why it is not an email.
    static func accountKey(email raw: String) throws(APIError) -> String {
        // Bounded before normalising, which may lengthen it.
        guard raw.utf8.count <= 254 else { throw APIError.invalidEmail("is longer than 254 bytes") }
        let email = raw.precomposedStringWithCompatibilityMapping.folding(options: .caseInsensitive, locale: nil)
            .precomposedStringWithCompatibilityMapping
        guard !email.isEmpty else { throw APIError.invalidEmail("is empty") }
        guard email.utf8.count <= 254 else { throw APIError.invalidEmail("is longer than 254 bytes") }
        guard !email.unicodeScalars.contains(where: Self.isInvisible) else {
            throw APIError.invalidEmail("must not contain whitespace, line breaks or control characters")
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw APIError.invalidEmail("must contain exactly one @") }
        let (local, domain) = (parts[0], parts[1])
        guard !local.isEmpty, local.utf8.count <= 64 else {
            throw APIError.invalidEmail("needs a local part of 1 to 64 bytes before the @")
        }
        guard !local.contains(where: { #""(),:;<>[\]"#.contains($0) }) else {
            throw APIError.invalidEmail(#"must not contain any of "(),:;<>[\] before the @"#)
        }
        guard local.first != ".", local.last != ".", !local.contains("..") else {
            throw APIError.invalidEmail("must not start or end its local part with a dot or have two dots in a row")
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2,
            labels.allSatisfy({ label in
                (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                    && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
            })
        else {
            throw APIError.invalidEmail(
                "needs a domain such as example.com: labels of letters, digits and inner hyphens, between dots")
        }
        return email
    }

    /// Whitespace, line breaks, control and format characters (such as zero-width spaces).
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isWhitespace { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned, .privateUse: return true
        default: return false
        }
    }

    /// Verified against when the email is unknown, so the reply takes as long as a wrong
    /// password's and does not reveal which accounts exist.
    private static let dummyHash = Bcrypt.hash("not a password", cost: 10)
}
