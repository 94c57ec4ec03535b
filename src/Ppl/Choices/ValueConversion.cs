using System.Globalization;
using TorchSharp;

namespace Ppl;

/// <summary>Converts boxed choice values to the type a model asks for, with errors that name the address.</summary>
internal static class ValueConversion
{
    public static T To<T>(object value, Address address)
    {
        if (value is T t) return t;
        // Numbers given as the "wrong" numeric type (an int constraint for a double choice) are converted
        // exactly; anything lossy is an error rather than a silent change of value.
        if (typeof(T) == typeof(double) && value is int or long or float)
            return (T)(object)Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if (typeof(T) == typeof(int) && value is long l && l is >= int.MinValue and <= int.MaxValue)
            return (T)(object)(int)l;
        if (typeof(T) == typeof(object)) return (T)value;
        throw new ModelException(
            $"The value at '{address}' is {Describe(value)} of type {value.GetType().Name}, but the model uses it as {typeof(T).Name}.", address);
    }

    public static string Describe(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        double[] a => "[" + string.Join(", ", a.Take(8).Select(x => x.ToString("G6", CultureInfo.InvariantCulture))) + (a.Length > 8 ? ", …]" : "]"),
        int[] a => "[" + string.Join(", ", a.Take(8)) + (a.Length > 8 ? ", …]" : "]"),
        torch.Tensor t => $"tensor{ShapeText(t.shape)}",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? value.GetType().Name,
    };

    private static string ShapeText(long[] shape) => "[" + string.Join(", ", shape) + "]";

    public static bool ValuesEqual(object a, object b)
    {
        if (a is double[] da && b is double[] db) return da.AsSpan().SequenceEqual(db);
        if (a is int[] ia && b is int[] ib) return ia.AsSpan().SequenceEqual(ib);
        if (a is torch.Tensor ta && b is torch.Tensor tb) return TensorsEqual(ta, tb);
        return Equals(a, b);
    }

    private static bool TensorsEqual(torch.Tensor a, torch.Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dtype != b.dtype || a.device_type != b.device_type) return false;
        // torch.equal in TorchSharp is elementwise (a Bool tensor, like eq), not PyTorch's single bool.
        using var same = torch.equal(a, b);
        using var all = same.all();
        return all.item<bool>();
    }
}
