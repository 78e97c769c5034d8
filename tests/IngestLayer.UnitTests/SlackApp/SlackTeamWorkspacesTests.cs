using IngestLayer.Gateway.SlackApp;
using IngestLayer.Slack;
using IngestLayer.Storage;
using Microsoft.Extensions.Options;

namespace IngestLayer.UnitTests.SlackApp;

public sealed class SlackTeamWorkspacesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private readonly MemorySlackInstallationStore _installations = new();

    private SlackTeamWorkspaces Workspaces(string configured = "default") =>
        new(_installations, new StaticOptions(new SlackOptions { Workspace = configured }));

    private Task Install(string workspace, string team) => _installations.SaveAsync(
        new SlackInstallation(workspace, Guid.NewGuid(), team, "Team", null, null, "commands", "protected", null, null, 0, Now), CancellationToken.None).AsTask();

    [Fact]
    public async Task a_team_never_installed_reads_the_configured_workspace() =>
        Assert.Equal("acme", await Workspaces("acme").ForTeamAsync("T0NOTHERE", CancellationToken.None));

    [Fact]
    public async Task an_installed_team_reads_the_workspace_it_was_installed_for()
    {
        await Install("sales", "T0SALES");
        await Install("support", "T0SUPPORT");

        Assert.Equal("support", await Workspaces().ForTeamAsync("T0SUPPORT", CancellationToken.None));
    }

    [Fact]
    public async Task an_inactive_installation_no_longer_decides()
    {
        await Install("sales", "T0SALES");
        var installed = (await _installations.GetAsync("sales", CancellationToken.None))!;
        await _installations.DeactivateAsync("sales", installed.InstallationId, "token_revoked", Now, CancellationToken.None);

        Assert.Equal("default", await Workspaces().ForTeamAsync("T0SALES", CancellationToken.None));
    }

    [Fact]
    public async Task a_team_installed_for_several_workspaces_prefers_the_configured_one_else_the_first_by_name()
    {
        await Install("zeta", "T0BOTH");
        await Install("alpha", "T0BOTH");

        Assert.Equal("zeta", await Workspaces("zeta").ForTeamAsync("T0BOTH", CancellationToken.None));
        Assert.Equal("alpha", await Workspaces("other").ForTeamAsync("T0BOTH", CancellationToken.None));
    }

    private sealed class StaticOptions(SlackOptions value) : IOptionsMonitor<SlackOptions>
    {
        public SlackOptions CurrentValue => value;

        public SlackOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SlackOptions, string?> listener) => null;
    }
}
