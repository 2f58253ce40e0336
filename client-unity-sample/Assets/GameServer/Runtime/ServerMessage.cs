namespace GameServer.UnityClient
{
    /// <summary>A decoded server → client message; see the derived types.</summary>
    public abstract class ServerMessage
    {
    }
}
