namespace GameServer.Observability;

/// <summary>Marks an endpoint that answers only on the management port (outside Development).</summary>
internal sealed class ManagementEndpointMetadata
{
    public static readonly ManagementEndpointMetadata Instance = new();

    private ManagementEndpointMetadata()
    {
    }
}
