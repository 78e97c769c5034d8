namespace IngestLayer.Slack;

/// <summary>Slack's documented Block Kit limits; a message over any of them is rejected with <c>invalid_blocks</c>.</summary>
public static class BlockKitLimits
{
    public const int HeaderText = 150;
    public const int SectionText = 3000;
    public const int SectionFields = 10;
    public const int FieldText = 2000;
    public const int ContextElements = 10;
    public const int BlocksPerMessage = 50;
}
