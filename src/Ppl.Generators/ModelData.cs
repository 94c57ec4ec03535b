using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace System.Runtime.CompilerServices
{
    /// <summary>Lets records compile for netstandard2.0 (the compiler needs the type to exist).</summary>
    internal static class IsExternalInit
    {
    }
}

namespace Ppl.Generators
{
    /// <summary>
    /// An immutable array compared by its elements, so that records holding one are equatable values: the
    /// generator's cached pipeline steps compare their outputs with <c>Equals</c>.
    /// </summary>
    internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IEnumerable<T> where T : IEquatable<T>
    {
        private readonly ImmutableArray<T> _items;

        public EquatableArray(ImmutableArray<T> items) => _items = items;

        public ImmutableArray<T> Items => _items.IsDefault ? ImmutableArray<T>.Empty : _items;

        public int Count => Items.Length;

        public T this[int i] => Items[i];

        public bool Equals(EquatableArray<T> other)
        {
            var a = Items;
            var b = other.Items;
            if (a.Length != b.Length) return false;
            for (var i = 0; i < a.Length; i++)
                if (!EqualityComparer<T>.Default.Equals(a[i], b[i])) return false;
            return true;
        }

        public override bool Equals(object? obj) => obj is EquatableArray<T> a && Equals(a);

        public override int GetHashCode()
        {
            var h = 17;
            foreach (var x in Items) h = h * 31 + (x == null ? 0 : x.GetHashCode());
            return h;
        }

        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)Items).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    internal static class EquatableArray
    {
        public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) where T : IEquatable<T> =>
            new EquatableArray<T>(items.ToImmutableArray());
    }

    /// <summary>A containing type of a model method (outermost first in <see cref="ModelData.Types"/>).</summary>
    internal sealed record TypeData(string Name, bool IsStatic);

    /// <summary>A parameter of a model method.</summary>
    internal sealed record ParamData(string Type, string Name);

    /// <summary>A span of text relative to the start of the model's body; <c>Start</c> −1 for an absent argument.</summary>
    internal sealed record SpanData(int Start, int Length)
    {
        public int End => Start + Length;
    }

    /// <summary>One effect site, as plain data (the semantic analysis is done; only text and types remain).</summary>
    internal sealed record SiteData(
        SiteKind Kind,
        SpanData Span,
        EquatableArray<SpanData> Args,
        int AddressStart,
        int AddressCount,
        string? StaticName,
        int Slot,
        string? FamilyName,
        string ValueType,
        string DistType,
        string DistName,
        bool Discrete,
        string ArgsType,
        string RetType,
        string? Callee,
        string MetadataAddress)
    {
        /// <summary>
        /// The number (0–63) of the proven family this choice or observation forms alone (OnceFamilies.cs), or −1: the handler
        /// body then calls <c>SampleOnce</c>/<c>ObserveOnce</c>, which Assess runs without recording the visit.
        /// </summary>
        public int OnceFamily { get; init; } = -1;
    }

    /// <summary>
    /// Everything the transformation of one [Model] method needs, extracted from the semantic model: an
    /// equatable value with no symbols, syntax nodes or compilation, so that an edit elsewhere leaves it
    /// equal and the transformation step downstream is served from the generator's cache.
    /// </summary>
    internal sealed partial record ModelData(
        string? HintName,
        string MethodDisplay,
        EquatableArray<string> RootUsings,
        string? Namespace,
        EquatableArray<string> NamespaceUsings,
        EquatableArray<TypeData> Types,
        string MethodName,
        string Access,
        string ModelName,
        string ArgsType,
        string ReturnType,
        EquatableArray<ParamData> Parameters,
        bool Specialised,
        EquatableArray<string> StaticNames,
        EquatableArray<SiteData> Sites,
        string BodyText,
        bool ExpressionBody,
        EquatableArray<DiagInfo> Diagnostics)
    {
        /// <summary>The resumable form for SMC (SPEC M7) of a specialised model; null for the others.</summary>
        public ResumableData? Resumable { get; init; }

        /// <summary>A model that produces no source, only diagnostics.</summary>
        public static ModelData DiagnosticsOnly(ImmutableArray<DiagInfo> diagnostics) => new ModelData(
            null, "", default, null, default, default, "", "", "", "", "", default, false, default, default, "", false,
            new EquatableArray<DiagInfo>(diagnostics));
    }
}
