using Ratelord.Core.Providers;
using Ratelord.Scenarios.Simulation;

namespace Ratelord.Scenarios.Clients;

/// <summary>
/// Without Ratelord: the agent calls as soon as it wants to, and after a 429 waits what
/// <c>retry-after</c> says before calling again. The outside consumer of the drift scenario behaves
/// this way in every mode.
/// </summary>
public sealed class DirectClient(ClientContext context) : ScenarioClient(context)
{
    public override void Begin(Want want) => Attempt(want);

    private void Attempt(Want want) => Call(want, response => Answered(want, response));

    private void Answered(Want want, ProviderResponse response)
    {
        if (response.Status == 429)
        {
            Clock.After(RetryAfter(response), () => Attempt(want));
        }
        else if (response.Status >= 500)
        {
            Clock.After(ServerErrorBackoff(want), () => Attempt(want));
        }
    }
}
