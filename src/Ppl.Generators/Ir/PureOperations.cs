using System.Linq;
using Microsoft.CodeAnalysis;

namespace Ppl.Generators.Ir
{
    /// <summary>
    /// The white lists of the data-flow engine: the types, methods, properties, operators and creations whose results
    /// are functions of their inputs alone. Anything else is code the analysis cannot see, whose result may depend on
    /// anything; the list must never claim purity wrongly, since update and regenerate skip what it calls independent.
    /// </summary>
    internal static class PureOperations
    {
        /// <summary>Numbers, booleans and characters (the primitive value types).</summary>
        public static bool IsNumber(ITypeSymbol t)
        {
            switch (t.SpecialType)
            {
                case SpecialType.System_Boolean:
                case SpecialType.System_Char:
                case SpecialType.System_SByte:
                case SpecialType.System_Byte:
                case SpecialType.System_Int16:
                case SpecialType.System_UInt16:
                case SpecialType.System_Int32:
                case SpecialType.System_UInt32:
                case SpecialType.System_Int64:
                case SpecialType.System_UInt64:
                case SpecialType.System_Decimal:
                case SpecialType.System_Single:
                case SpecialType.System_Double:
                case SpecialType.System_IntPtr:
                case SpecialType.System_UIntPtr:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary><c>double</c> or <c>float</c>.</summary>
        public static bool IsFloating(ITypeSymbol? t) => t?.SpecialType == SpecialType.System_Double || t?.SpecialType == SpecialType.System_Single;

        /// <summary>A floating value or a one- or two-dimensional array of them: what a real-valued computation yields.</summary>
        public static bool IsRealShaped(ITypeSymbol? t) =>
            IsFloating(t) || t is IArrayTypeSymbol a && (a.Rank == 1 || a.Rank == 2) && IsFloating(a.ElementType);

        /// <summary>Formatting a number or string (culture aside) runs no user code.</summary>
        public static bool Formattable(ITypeSymbol? t) => t != null && (IsNumber(t) || t.SpecialType == SpecialType.System_String);

        /// <summary>A reference to a mutable object: arrays and classes (strings are immutable).</summary>
        public static bool IsMutableReference(ITypeSymbol? t) =>
            t != null && !t.IsValueType && t.SpecialType != SpecialType.System_String;

        private static string? Namespace(ISymbol s) => s.ContainingNamespace?.ToDisplayString();

        private static bool InPpl(ISymbol s) => s.ContainingAssembly?.Name == "Ppl";

        /// <summary>User-defined operators that are known to be pure: Ppl's addresses, <c>decimal</c>.</summary>
        public static bool TrustedOperator(IMethodSymbol m)
        {
            var t = m.ContainingType;
            if (t == null) return false;
            if (t.SpecialType == SpecialType.System_Decimal) return true;
            var name = t.ToDisplayString();
            return InPpl(t) && (name == "Ppl.Address" || name == "Ppl.AddressSegment");
        }

        /// <summary><c>System.Math</c>, Ppl's distribution factories, numeric helpers on primitive types.</summary>
        public static bool Method(IMethodSymbol m)
        {
            var t = m.ContainingType;
            if (t == null) return false;
            var name = t.ToDisplayString();
            if (m.IsStatic && (name == "System.Math" || name == "System.MathF")) return true;
            if (m.IsStatic && name == "Ppl.Dist" && InPpl(t)) return true;
            if (IsNumber(t))
            {
                // Numeric helpers on primitive types (double.IsNaN, int.Max, x.CompareTo(y)); not parsing or formatting.
                if (m.Name.Contains("Parse") || m.Name.Contains("Format") || m.Name.Contains("String")) return false;
                return m.Parameters.All(p => p.RefKind == RefKind.None && IsNumber(p.Type));
            }
            return false;
        }

        /// <summary>Array and string lengths, <c>Nullable</c>'s value, the parameters of Ppl's distribution structs.</summary>
        public static bool Property(IPropertySymbol p)
        {
            var t = p.ContainingType;
            if (t == null) return false;
            if (t.SpecialType == SpecialType.System_Array) return p.Name == "Length" || p.Name == "LongLength" || p.Name == "Rank";
            if (t.SpecialType == SpecialType.System_String) return p.Name == "Length" || p.IsIndexer;
            if (t.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T) return p.Name == "HasValue" || p.Name == "Value";
            // Ppl's distribution structs: parameters read back (readonly structs, no code beyond the field).
            return t.IsValueType && InPpl(t) && Namespace(t) == "Ppl.Distributions" && !p.IsIndexer;
        }

        /// <summary>Numbers, tuples, nullables, Ppl's distributions and addresses.</summary>
        public static bool Creation(ITypeSymbol? t)
        {
            if (t == null) return false;
            if (IsNumber(t) || t.IsTupleType) return true;
            if (t is INamedTypeSymbol n && n.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T) return true;
            if (!InPpl(t)) return false;
            var name = t.ToDisplayString();
            return Namespace(t) == "Ppl.Distributions" || name == "Ppl.Address" || name == "Ppl.AddressSegment";
        }

        /// <summary>Ppl's <c>Deterministic</c>, which records a named value (and returns it).</summary>
        public static bool IsDeterministic(IMethodSymbol m) =>
            m.Name == "Deterministic" && m.ContainingType?.ToDisplayString() == "Ppl.Modeling.Effects";
    }
}
