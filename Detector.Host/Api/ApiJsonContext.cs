using System.Text.Json;
using System.Text.Json.Serialization;

namespace Detector.Host.Api;

/// <summary>Source-generated JSON for the API shapes (camelCase), so the slim host needs no reflection serializer.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StatusDto))]
[JsonSerializable(typeof(BansDto))]
[JsonSerializable(typeof(BanRequest))]
[JsonSerializable(typeof(ManualActionDto))]
[JsonSerializable(typeof(IpDto))]
[JsonSerializable(typeof(TopDto))]
[JsonSerializable(typeof(AuditDto))]
[JsonSerializable(typeof(SeriesDto))]
[JsonSerializable(typeof(ErrorDto))]
[JsonSerializable(typeof(Dictionary<string, long>))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
