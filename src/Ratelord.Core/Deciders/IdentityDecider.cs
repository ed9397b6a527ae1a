using Ratelord.Core.Commands;
using Ratelord.Core.Engine;
using Ratelord.Core.Events;
using Ratelord.Core.Projections;

namespace Ratelord.Core.Deciders;

/// <summary>Decides the registration and deletion of identities, and the daemon's own start.</summary>
public static class IdentityDecider
{
    public static IdentityRecord Decide(RegisterIdentity command, RatelordState state, Emitter emit)
    {
        if (state.Identities.Find(command.IdentityId) is not null)
        {
            throw new CommandRejectedException(
                "identity_exists",
                $"Identity '{command.IdentityId}' is already registered; delete it first to register it again.",
                "identity_id");
        }

        var registered = new IdentityRegistered(
            command.IdentityId,
            command.Kind,
            command.Provider,
            command.SharedPools,
            command.Metadata);
        emit.Emit(registered, EventDimensions.System with { IdentityId = command.IdentityId }, provider: command.Provider);

        return new IdentityRecord(
            command.IdentityId,
            command.Kind,
            command.Provider,
            command.SharedPools,
            command.Metadata,
            emit.Now);
    }

    public static bool Decide(DeleteIdentity command, RatelordState state, Emitter emit)
    {
        if (state.Identities.Find(command.IdentityId) is null)
        {
            throw new CommandRejectedException(
                "identity_not_found", $"Identity '{command.IdentityId}' is not registered.", "identity_id", 404);
        }

        emit.Emit(new IdentityDeleted(command.IdentityId), EventDimensions.System with { IdentityId = command.IdentityId });

        return true;
    }

    public static long Decide(StartSystem command, Emitter emit)
    {
        emit.Emit(new SystemStarted(command.Version, command.Store), EventDimensions.System);

        return 0;
    }
}
