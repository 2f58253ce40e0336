using System.Security.Claims;
using System.Text.Json;
using GameServer.Abstractions;
using GameServer.Auth;
using GameServer.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GameServer.Admin;

/// <summary>
/// The designers' admin API under <c>/admin/api</c>: room types' and rooms' settings (read, change, reset), live
/// rooms with their measured numbers, and the audit trail. Needs a token with the <c>admin</c> role: no token gets
/// 401, a player token 403.
/// </summary>
public static class AdminEndpoints
{
    public const string PolicyName = "gameserver-admin";
    public const string BasePath = "/admin/api";

    /// <summary>Registers the admin authorization policy (the token scheme comes from the edge).</summary>
    public static IServiceCollection AddGameServerAdmin(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddPolicy(PolicyName, policy => policy
            .AddAuthenticationSchemes(EdgeAuthentication.Scheme)
            .RequireAuthenticatedUser()
            .RequireRole(GameClaims.AdminRole));
        return services;
    }

    public static RouteGroupBuilder MapGameServerAdmin(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup(BasePath).RequireAuthorization(PolicyName);

        api.MapGet("/room-types", async (IGrainFactory grains) =>
        {
            var types = await RoomTypesAsync(grains);
            var views = await Task.WhenAll(types.Select(t => grains.GetGrain<IRoomTypeGrain>(t).Get()));
            return Results.Ok(views.Where(v => v is not null));
        });
        api.MapGet("/room-types/{roomType}", async (string roomType, IGrainFactory grains) =>
            await grains.GetGrain<IRoomTypeGrain>(roomType).Get() is { } view ? Results.Ok(view) : UnknownRoomType(roomType));
        api.MapPut("/room-types/{roomType}", async (string roomType, JsonElement body, IGrainFactory grains, ClaimsPrincipal user) =>
        {
            var grain = grains.GetGrain<IRoomTypeGrain>(roomType);
            if (await grain.GetEffective() is null)
            {
                return UnknownRoomType(roomType);
            }
            var (patch, errors) = SettingsPatchReader.Read(body);
            return patch is null ? Invalid(errors) : ToResult(await grain.Update(patch, Who(user)));
        });
        api.MapDelete("/room-types/{roomType}/overrides", async (string roomType, IGrainFactory grains, ClaimsPrincipal user) =>
        {
            var grain = grains.GetGrain<IRoomTypeGrain>(roomType);
            return await grain.GetEffective() is null ? UnknownRoomType(roomType) : ToResult(await grain.Reset(Who(user)));
        });

        api.MapGet("/rooms", async (IGrainFactory grains) =>
        {
            var types = await RoomTypesAsync(grains);
            var rooms = await Task.WhenAll(types.Select(t => grains.GetGrain<IMatchmakerGrain>(t).GetRooms()));
            var infos = await Task.WhenAll(rooms.SelectMany(r => r).Select(r => grains.GetGrain<IRoomGrain>(r.RoomId).GetInfo()));
            return Results.Ok(infos.OrderBy(i => i.RoomId, StringComparer.Ordinal));
        });
        api.MapGet("/rooms/{roomId}", async (string roomId, IGrainFactory grains) =>
            await FindRoomAsync(grains, roomId) is { } info ? Results.Ok(info) : UnknownRoom(roomId));
        api.MapPut("/rooms/{roomId}", async (string roomId, JsonElement body, IGrainFactory grains, ClaimsPrincipal user) =>
        {
            if (await FindRoomAsync(grains, roomId) is null)
            {
                return UnknownRoom(roomId);
            }
            var (patch, errors) = SettingsPatchReader.Read(body);
            return patch is null
                ? Invalid(errors)
                : ToResult(await grains.GetGrain<IRoomTypeGrain>(RoomIds.TypeOf(roomId)!).UpdateRoom(roomId, patch, Who(user)));
        });
        api.MapDelete("/rooms/{roomId}/overrides", async (string roomId, IGrainFactory grains, ClaimsPrincipal user) =>
            await FindRoomAsync(grains, roomId) is null
                ? UnknownRoom(roomId)
                : ToResult(await grains.GetGrain<IRoomTypeGrain>(RoomIds.TypeOf(roomId)!).ResetRoom(roomId, Who(user))));

        api.MapGet("/audit", async (IGrainFactory grains) =>
        {
            var types = await RoomTypesAsync(grains);
            var audits = await Task.WhenAll(types.Select(t => grains.GetGrain<IRoomTypeGrain>(t).GetAudit()));
            return Results.Ok(audits.SelectMany(a => a).OrderBy(e => e.At));
        });
        return api;
    }

    private static Task<string[]> RoomTypesAsync(IGrainFactory grains) => grains.GetGrain<IGameCatalogGrain>(0).GetRoomTypes();

    // Only live rooms: asking an unknown id would activate a grain for it.
    private static async Task<RoomInfo?> FindRoomAsync(IGrainFactory grains, string roomId)
    {
        var roomType = RoomIds.IsValidRoomId(roomId) ? RoomIds.TypeOf(roomId) : null;
        if (roomType is null)
        {
            return null;
        }
        var rooms = await grains.GetGrain<IMatchmakerGrain>(roomType).GetRooms();
        return rooms.Any(r => r.RoomId == roomId) ? await grains.GetGrain<IRoomGrain>(roomId).GetInfo() : null;
    }

    private static string Who(ClaimsPrincipal user) => user.FindFirst(GameClaims.PlayerId)?.Value ?? "unknown";

    private static IResult ToResult(SettingsChange change) => change.Succeeded
        ? Results.Ok(new { before = change.Before, after = change.After })
        : Invalid(SettingsPatchReader.ToJsonNames(change.Errors));

    private static IResult Invalid(Dictionary<string, string> errors) =>
        Results.BadRequest(new { title = "Invalid settings", errors });

    private static IResult UnknownRoomType(string roomType) =>
        Results.NotFound(new { title = $"No game is registered for room type '{roomType}'." });

    private static IResult UnknownRoom(string roomId) =>
        Results.NotFound(new { title = $"No live room '{roomId}'." });
}
