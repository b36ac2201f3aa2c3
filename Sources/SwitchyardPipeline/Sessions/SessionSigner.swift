import Crypto
import ExtrasBase64
import Foundation
import SwitchyardConfiguration
import SwitchyardStore
import Synchronization

/// Signed, expiring session tokens: `v1.<claims>.<HMAC-SHA256>`, base64url without padding.
///
/// The claims are `<issued>:<expires>:<subject>` (Unix seconds); the signature covers
/// `v1.<claims>` and is checked in constant time (swift-crypto) before the claims are read. A
/// token is accepted only in the one encoding ``issue(subject:)`` writes: with padding, the
/// standard alphabet or other bits in the signature's last character it is ``Rejection/malformed``.
/// The secret never appears in a description, log or error.
public struct SessionSigner: Sendable {
    /// HMAC state with the key already absorbed: copied for each token, so the key schedule
    /// is not redone per request.
    private let keyed: HMAC<SHA256>
    /// Tokens this signer has verified, so a session's later requests skip the decoding and
    /// the MAC (expiry is still checked on each use).
    private let verified = VerifiedTokens()
    /// How long a new token lasts. Default 7 days.
    public var lifetime: Duration
    private let now: @Sendable () -> Date

    /// Why a token was refused. Deliberately vague in responses: a forger learns nothing.
    public enum Rejection: String, Error, Sendable {
        /// Not three dot-separated base64url parts with our version.
        case malformed
        /// The signature does not match the claims (tampered or forged).
        case badSignature = "bad_signature"
        /// Signed by us, but past its expiry.
        case expired
    }

    /// - Parameter secret: at least 32 bytes of random data, e.g. from
    ///   `SWITCHYARD_SESSION_SECRET`.
    public init(
        secret: some DataProtocol, lifetime: Duration = .seconds(7 * 24 * 3600),
        now: @escaping @Sendable () -> Date = Date.init
    )
        throws(ConfigurationError)
    {
        guard secret.count >= 32 else {
            throw ConfigurationError(
                key: "session.secret", message: "the session secret must be at least 32 bytes (it is \(secret.count))")
        }
        self.keyed = HMAC<SHA256>(key: SymmetricKey(data: Array(secret)))
        self.lifetime = lifetime
        self.now = now
    }

    private static let version = "v1"
    private static let base64url: Base64.EncodingOptions = [.base64UrlAlphabet, .omitPaddingCharacter]

    /// A new token for `subject`, valid for ``lifetime``.
    public func issue(subject: String) -> String {
        let issued = now()
        let expires = issued.addingTimeInterval(lifetime.timeInterval)
        let claims = "\(Int64(issued.timeIntervalSince1970)):\(Int64(expires.timeIntervalSince1970)):\(subject)"
        let signed = "\(Self.version).\(Base64.encodeToString(bytes: Array(claims.utf8), options: Self.base64url))"
        let mac = signature(of: signed)
        return "\(signed).\(Base64.encodeToString(bytes: Array(mac), options: Self.base64url))"
    }

    private func signature(of signed: some StringProtocol) -> HashedAuthenticationCode<SHA256> {
        var hmac = keyed
        hmac.update(data: Array(signed.utf8))
        return hmac.finalize()
    }

    /// The identity in `token`, or why it is refused.
    public func verify(_ token: some StringProtocol) throws(Rejection) -> Identity {
        // Tokens are ASCII. The check matters for the cache: Swift compares strings by
        // canonical equivalence, so a copy of a cached token with, say, KELVIN SIGN for a `K`
        // would otherwise be found in it.
        guard token.utf8.allSatisfy({ $0 < 0x80 }) else { throw .malformed }
        let key = String(token)
        if let identity = verified.identity(for: key) {
            guard now() < identity.expiresAt else { throw .expired }
            return identity
        }
        let identity = try verifyAfresh(token)
        verified.remember(identity, for: key)
        return identity
    }

    private func verifyAfresh(_ token: some StringProtocol) throws(Rejection) -> Identity {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        // Only the one encoding `issue` writes: the decoder also takes a trailing `=` and stray
        // low bits in the last character, so the signature must encode back to exactly its
        // text. (The claims need no such check: the MAC covers their text.)
        guard parts.count == 3, parts[0] == Self.version,
            let mac = try? Base64.decode(
                string: String(parts[2]), options: [.base64UrlAlphabet, .omitPaddingCharacter]),
            mac.count == SHA256.byteCount,
            Base64.encodeToString(bytes: mac, options: Self.base64url).utf8.elementsEqual(parts[2].utf8)
        else { throw .malformed }
        let signed = token[token.startIndex..<parts[1].endIndex]
        // `==` between a MAC and bytes is swift-crypto's constant-time comparison.
        guard signature(of: signed) == mac else {
            throw .badSignature
        }
        guard
            let bytes = try? Base64.decode(
                string: String(parts[1]), options: [.base64UrlAlphabet, .omitPaddingCharacter]),
            case let claims = String(decoding: bytes, as: UTF8.self).split(separator: ":", maxSplits: 2),
            claims.count == 3, let issued = Int64(claims[0]), let expiry = Int64(claims[1]), !claims[2].isEmpty
        else { throw .malformed }
        let expires = Date(timeIntervalSince1970: TimeInterval(expiry))
        guard now() < expires else { throw .expired }
        return Identity(
            subject: String(claims[2]), issuedAt: Date(timeIntervalSince1970: TimeInterval(issued)), expiresAt: expires)
    }
}

/// A bounded map of verified tokens (emptied when full).
private final class VerifiedTokens: Sendable {
    private let tokens = Mutex<[String: Identity]>([:])
    private static let capacity = 10_000

    func identity(for token: String) -> Identity? { tokens.withLock { $0[token] } }

    func remember(_ identity: Identity, for token: String) {
        tokens.withLock { tokens in
            if tokens.count >= Self.capacity { tokens.removeAll(keepingCapacity: true) }
            tokens[token] = identity
        }
    }
}

extension SessionSigner: CustomStringConvertible {
    public var description: String { "SessionSigner(secret: <redacted>, lifetime: \(lifetime))" }
}
