using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Detector.Tests.Support;

/// <summary>
/// Which top-level folders of a compiled assembly use which, read from its metadata with System.Reflection.Metadata.
/// A type belongs to the folder its namespace names after the root (<c>Detector.Enforcement.Firewall</c> is
/// <c>Enforcement</c>); nested and compiler-generated types (lambdas, async state machines) count for the type they
/// are declared in. A type uses every type of the assembly that appears in its base type, interfaces, generic
/// constraints, field types, method signatures and local variables, and every type, method and field token in its
/// method bodies' IL (including the types in generic instantiations and in member references' signatures).
/// </summary>
public sealed class FolderGraph
{
    private FolderGraph(IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> edges) => Edges = edges;

    /// <summary>Folder → folder it uses → a few "Using.Type → Used.Type" examples.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> Edges { get; }

    public IEnumerable<string> Folders => Edges.Keys.Concat(Edges.Values.SelectMany(e => e.Keys)).Distinct().Order(StringComparer.Ordinal);

    public static FolderGraph Read(Assembly assembly, string rootNamespace)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var collector = new Collector(reader, pe, rootNamespace);
        foreach (var handle in reader.TypeDefinitions) collector.Visit(handle);
        return new FolderGraph(collector.Edges.ToDictionary(
            e => e.Key,
            e => (IReadOnlyDictionary<string, IReadOnlyList<string>>)e.Value.ToDictionary(u => u.Key, u => (IReadOnlyList<string>)u.Value.Order(StringComparer.Ordinal).Take(3).ToList())));
    }

    /// <summary>The folders of a cycle (first repeated at the end), or null when the graph has none.</summary>
    public IReadOnlyList<string>? FindCycle(Func<string, string, bool>? ignoreEdge = null)
    {
        var state = new Dictionary<string, int>(); // 1 on the path, 2 done
        var path = new List<string>();

        List<string>? Visit(string folder)
        {
            state[folder] = 1;
            path.Add(folder);
            foreach (var next in Edges.GetValueOrDefault(folder)?.Keys.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>())
            {
                if (ignoreEdge?.Invoke(folder, next) == true) continue;
                switch (state.GetValueOrDefault(next))
                {
                    case 1:
                        return [.. path.SkipWhile(f => f != next), next];
                    case 0 when Visit(next) is { } cycle:
                        return cycle;
                }
            }
            path.RemoveAt(path.Count - 1);
            state[folder] = 2;
            return null;
        }

        foreach (var folder in Folders)
            if (state.GetValueOrDefault(folder) == 0 && Visit(folder) is { } found)
                return found;
        return null;
    }

    public override string ToString() => string.Join("\n", Edges.OrderBy(e => e.Key, StringComparer.Ordinal)
        .Select(e => $"{e.Key} -> {string.Join(", ", e.Value.Keys.Order(StringComparer.Ordinal))}"));

    private sealed class Collector(MetadataReader reader, PEReader pe, string rootNamespace)
    {
        private static readonly Dictionary<short, OperandType> Operands = typeof(OpCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (OpCode)f.GetValue(null)!)
            .ToDictionary(o => o.Value, o => o.OperandType);

        private readonly TypeProvider _types = new(reader);

        public Dictionary<string, Dictionary<string, HashSet<string>>> Edges { get; } = new();

        public void Visit(TypeDefinitionHandle handle)
        {
            var (folder, name) = Owner(handle);
            if (folder is null) return;
            var used = new HashSet<TypeDefinitionHandle>();
            var type = reader.GetTypeDefinition(handle);

            if (!type.BaseType.IsNil) AddType(type.BaseType, used);
            foreach (var i in type.GetInterfaceImplementations()) AddType(reader.GetInterfaceImplementation(i).Interface, used);
            foreach (var p in type.GetGenericParameters()) AddConstraints(p, used);
            foreach (var f in type.GetFields()) used.UnionWith(reader.GetFieldDefinition(f).DecodeSignature(_types, null));
            foreach (var m in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(m);
                AddSignature(method.DecodeSignature(_types, null), used);
                foreach (var p in method.GetGenericParameters()) AddConstraints(p, used);
                if (method.RelativeVirtualAddress != 0) AddBody(pe.GetMethodBody(method.RelativeVirtualAddress), used);
            }

            foreach (var target in used)
            {
                var (targetFolder, targetName) = Owner(target);
                if (targetFolder is null || targetFolder == folder) continue;
                if (!Edges.TryGetValue(folder, out var byFolder)) Edges[folder] = byFolder = new();
                if (!byFolder.TryGetValue(targetFolder, out var examples)) byFolder[targetFolder] = examples = [];
                examples.Add($"{name} → {targetName}");
            }
        }

        private void AddConstraints(GenericParameterHandle handle, HashSet<TypeDefinitionHandle> used)
        {
            foreach (var c in reader.GetGenericParameter(handle).GetConstraints())
                AddType(reader.GetGenericParameterConstraint(c).Type, used);
        }

        private static void AddSignature(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature, HashSet<TypeDefinitionHandle> used)
        {
            used.UnionWith(signature.ReturnType);
            foreach (var p in signature.ParameterTypes) used.UnionWith(p);
        }

        private void AddType(EntityHandle handle, HashSet<TypeDefinitionHandle> used)
        {
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    used.Add((TypeDefinitionHandle)handle);
                    break;
                case HandleKind.TypeSpecification:
                    used.UnionWith(reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(_types, null));
                    break;
            }
        }

        private void AddMember(EntityHandle handle, HashSet<TypeDefinitionHandle> used)
        {
            switch (handle.Kind)
            {
                case HandleKind.MethodDefinition:
                    used.Add(reader.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.FieldDefinition:
                    used.Add(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    if (member.Parent.Kind == HandleKind.MethodDefinition) AddMember(member.Parent, used);
                    else AddType(member.Parent, used);
                    if (member.GetKind() == MemberReferenceKind.Method) AddSignature(member.DecodeMethodSignature(_types, null), used);
                    else used.UnionWith(member.DecodeFieldSignature(_types, null));
                    break;
                case HandleKind.MethodSpecification:
                    var spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddMember(spec.Method, used);
                    foreach (var argument in spec.DecodeSignature(_types, null)) used.UnionWith(argument);
                    break;
                default:
                    AddType(handle, used);
                    break;
            }
        }

        private void AddBody(MethodBodyBlock body, HashSet<TypeDefinitionHandle> used)
        {
            if (!body.LocalSignature.IsNil)
                foreach (var local in reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(_types, null))
                    used.UnionWith(local);

            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                short code = il.ReadByte();
                if (code == 0xFE) code = unchecked((short)(0xFE00 | il.ReadByte()));
                switch (Operands[code])
                {
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                        il.Offset += 1;
                        break;
                    case OperandType.InlineVar:
                        il.Offset += 2;
                        break;
                    case OperandType.InlineI8 or OperandType.InlineR:
                        il.Offset += 8;
                        break;
                    case OperandType.InlineSwitch:
                        var targets = il.ReadInt32(); // read before Offset is: += would read Offset first
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok:
                        AddMember(MetadataTokens.EntityHandle(il.ReadInt32()), used);
                        break;
                    default: // InlineBrTarget, InlineI, InlineShortR, InlineSig, InlineString
                        il.Offset += 4;
                        break;
                }
            }
        }

        /// <summary>The folder and name of the outermost type declaring <paramref name="handle"/>; folder null outside the root.</summary>
        private (string? Folder, string Name) Owner(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            while (type.GetDeclaringType() is { IsNil: false } outer) type = reader.GetTypeDefinition(outer);
            var ns = reader.GetString(type.Namespace);
            var name = reader.GetString(type.Name);
            if (!ns.StartsWith(rootNamespace + ".", StringComparison.Ordinal)) return (null, name);
            var rest = ns[(rootNamespace.Length + 1)..];
            var folder = rest.Split('.')[0];
            return (folder, $"{folder}.{name}");
        }
    }

    /// <summary>Decodes signatures into the assembly's own type definitions they mention (others are dropped).</summary>
    private sealed class TypeProvider(MetadataReader reader) : ISignatureTypeProvider<ImmutableArray<TypeDefinitionHandle>, object?>
    {
        private static readonly ImmutableArray<TypeDefinitionHandle> None = [];

        public ImmutableArray<TypeDefinitionHandle> GetTypeFromDefinition(MetadataReader _, TypeDefinitionHandle handle, byte rawTypeKind) => [handle];
        public ImmutableArray<TypeDefinitionHandle> GetTypeFromReference(MetadataReader _, TypeReferenceHandle handle, byte rawTypeKind) => None;
        public ImmutableArray<TypeDefinitionHandle> GetTypeFromSpecification(MetadataReader _, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, context);
        public ImmutableArray<TypeDefinitionHandle> GetPrimitiveType(PrimitiveTypeCode typeCode) => None;
        public ImmutableArray<TypeDefinitionHandle> GetSZArrayType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;
        public ImmutableArray<TypeDefinitionHandle> GetArrayType(ImmutableArray<TypeDefinitionHandle> elementType, ArrayShape shape) => elementType;
        public ImmutableArray<TypeDefinitionHandle> GetByReferenceType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;
        public ImmutableArray<TypeDefinitionHandle> GetPointerType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;
        public ImmutableArray<TypeDefinitionHandle> GetPinnedType(ImmutableArray<TypeDefinitionHandle> elementType) => elementType;
        public ImmutableArray<TypeDefinitionHandle> GetGenericInstantiation(ImmutableArray<TypeDefinitionHandle> genericType, ImmutableArray<ImmutableArray<TypeDefinitionHandle>> typeArguments) =>
            [.. genericType, .. typeArguments.SelectMany(a => a)];
        public ImmutableArray<TypeDefinitionHandle> GetGenericMethodParameter(object? context, int index) => None;
        public ImmutableArray<TypeDefinitionHandle> GetGenericTypeParameter(object? context, int index) => None;
        public ImmutableArray<TypeDefinitionHandle> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeDefinitionHandle>> signature) =>
            [.. signature.ReturnType, .. signature.ParameterTypes.SelectMany(p => p)];
        public ImmutableArray<TypeDefinitionHandle> GetModifiedType(ImmutableArray<TypeDefinitionHandle> modifier, ImmutableArray<TypeDefinitionHandle> unmodifiedType, bool isRequired) =>
            unmodifiedType;
    }
}
