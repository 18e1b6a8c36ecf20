// Admin.CreateProfile and ListProfiles: card profiles and the processes they offer.
import CUnblockProtos
import UnblockProtobufBridge

/// A process a card profile offers to cards in one state.
public struct ProcessInState: WireMessage {
    public var cardState: CardState
    public var process: CardProcess

    public init(cardState: CardState, process: CardProcess) {
        self.cardState = cardState
        self.process = process
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__process_in_state__init,
        unpack: unblock__v1__process_in_state__unpack,
        free: unblock__v1__process_in_state__free_unpacked,
        read: { c throws(WireError) in
            Self(
                cardState: try CReader.enumeration(c.card_state.rawValue, field: "ProcessInState.card_state"),
                process: try CReader.enumeration(c.process.rawValue, field: "ProcessInState.process"))
        },
        write: { message, c, _ in
            c.card_state = Unblock__V1__CardState(rawValue: message.cardState.rawValue)
            c.process = Unblock__V1__Process(rawValue: message.process.rawValue)
        }
    )
}

/// A card profile and what it offers.
public struct ProfileDetails: WireMessage {
    public var name: String
    public var enabled: [ProcessInState]

    public init(name: String, enabled: [ProcessInState]) {
        self.name = name
        self.enabled = enabled
    }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__profile_details__init,
        unpack: unblock__v1__profile_details__unpack,
        free: unblock__v1__profile_details__free_unpacked,
        read: { c throws(WireError) in
            Self(
                name: try CReader.string(c.name, field: "ProfileDetails.name"),
                enabled: try CReader.messages(c.n_enabled, c.enabled))
        },
        write: { message, c, arena in
            c.name = arena.string(message.name)
            c.n_enabled = message.enabled.count
            c.enabled = arena.messages(message.enabled, as: Unblock__V1__ProcessInState.self)
        }
    )
}

/// A new card profile, with no process enabled.
public struct CreateProfileRequest: WireMessage {
    public var name: String

    public init(name: String) { self.name = name }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__create_profile_request__init,
        unpack: unblock__v1__create_profile_request__unpack,
        free: unblock__v1__create_profile_request__free_unpacked,
        read: { c throws(WireError) in Self(name: try CReader.string(c.name, field: "CreateProfileRequest.name")) },
        write: { message, c, arena in c.name = arena.string(message.name) }
    )
}

public struct CreateProfileResponse: WireMessage {
    public var profile: ProfileDetails

    public init(profile: ProfileDetails) { self.profile = profile }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__create_profile_response__init,
        unpack: unblock__v1__create_profile_response__unpack,
        free: unblock__v1__create_profile_response__free_unpacked,
        read: { c throws(WireError) in
            guard let profile: ProfileDetails = try CReader.message(c.profile) else {
                throw WireError(code: .malformedMessage, message: "CreateProfileResponse.profile is missing")
            }
            return Self(profile: profile)
        },
        write: { message, c, arena in
            c.profile = arena.message(message.profile, as: Unblock__V1__ProfileDetails.self)
        }
    )
}

public struct ListProfilesRequest: WireMessage {
    public init() {}

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__list_profiles_request__init,
        unpack: unblock__v1__list_profiles_request__unpack,
        free: unblock__v1__list_profiles_request__free_unpacked,
        read: { _ in Self() },
        write: { _, _, _ in }
    )
}

public struct ListProfilesResponse: WireMessage {
    /// In order of name.
    public var profiles: [ProfileDetails]

    public init(profiles: [ProfileDetails]) { self.profiles = profiles }

    public static let wireType = WireType<Self>(
        initialize: unblock__v1__list_profiles_response__init,
        unpack: unblock__v1__list_profiles_response__unpack,
        free: unblock__v1__list_profiles_response__free_unpacked,
        read: { c throws(WireError) in Self(profiles: try CReader.messages(c.n_profiles, c.profiles)) },
        write: { message, c, arena in
            c.n_profiles = message.profiles.count
            c.profiles = arena.messages(message.profiles, as: Unblock__V1__ProfileDetails.self)
        }
    )
}
