// The card profiles: CreateProfile and ListProfiles (processes are switched by EnableProcess and DisableProcess).
import UnblockCore
import UnblockWire

extension AdminProvider {
    /// A new profile offers nothing until an administrator enables a process on it.
    func createProfile(_ request: CreateProfileRequest, _ caller: Caller, _ context: CallContext) async throws
        -> CreateProfileResponse
    {
        try caller.require(.administer)
        guard CardProfile.isValidName(request.name) else { throw RPCError(.invalidArgument, CardProfile.nameRule) }
        try context.checkDeadline()
        let now = Timestamp.now
        return try await store.commit { directory in
            guard directory.profile(named: request.name) == nil else {
                throw RPCError(.alreadyExists, "a card profile named \"\(request.name)\" already exists")
            }
            let profile = CardProfile(name: request.name)
            let event = AuditEvent(
                at: now, actor: caller.account.username, action: "create-profile", target: profile.name,
                outcome: "success", detail: "\(context.origin)")
            return ([.profile(profile), .audit(event)], CreateProfileResponse(profile: Self.details(profile)))
        }
    }

    func listProfiles(
        _ request: ListProfilesRequest, _ caller: Caller, _ directory: any DirectoryView, _ context: CallContext
    ) throws -> ListProfilesResponse {
        try caller.require(.readDirectory)
        return ListProfilesResponse(profiles: directory.allProfiles().map(Self.details))
    }

    static func details(_ profile: CardProfile) -> ProfileDetails {
        ProfileDetails(
            name: profile.name,
            enabled: SmartCard.State.allCases.flatMap { state in
                profile.enabledProcesses(for: state).map {
                    ProcessInState(
                        cardState: CardState(rawValue: state.rawValue) ?? .unspecified, process: CardProcess($0))
                }
            })
    }
}
