namespace Ppl.Examples;

/// <summary>
/// A small binarised image set drawn procedurally, so the VAE example needs no download: 28×28 images of
/// ten kinds of shape (disc, ring, square, frame, horizontal and vertical bars, plus, cross, triangle,
/// diagonal stroke) at random positions, sizes and stroke widths. The same seed gives the same images.
/// </summary>
internal static class VaeShapes
{
    /// <summary>Image side in pixels.</summary>
    public const int Side = 28;

    /// <summary>Pixels per image.</summary>
    public const int Pixels = Side * Side;

    /// <summary>The number of shape kinds.</summary>
    public const int Kinds = 10;

    /// <summary><paramref name="count"/> images, row-major, pixels 0 or 1, one image after another.</summary>
    public static float[] Draw(int count, Rng rng)
    {
        var data = new float[count * Pixels];
        for (var n = 0; n < count; n++) DrawOne(data.AsSpan(n * Pixels, Pixels), n % Kinds, rng);
        return data;
    }

    private static void DrawOne(Span<float> image, int kind, Rng rng)
    {
        var cx = 13.5 + (rng.NextDouble() - 0.5) * 8;
        var cy = 13.5 + (rng.NextDouble() - 0.5) * 8;
        var size = 5 + rng.NextDouble() * 4;         // half-extent: 5..9 pixels
        var width = 1.5 + rng.NextDouble() * 1.5;    // stroke width: 1.5..3 pixels
        for (var row = 0; row < Side; row++)
        {
            for (var col = 0; col < Side; col++)
            {
                // Pixel centre relative to the shape's centre.
                var x = col + 0.5 - cx;
                var y = row + 0.5 - cy;
                image[row * Side + col] = Inside(kind, x, y, size, width) ? 1f : 0f;
            }
        }
    }

    private static bool Inside(int kind, double x, double y, double s, double w)
    {
        var r = Math.Sqrt(x * x + y * y);
        var ax = Math.Abs(x);
        var ay = Math.Abs(y);
        var box = Math.Max(ax, ay);
        return kind switch
        {
            0 => r <= s,                                                  // disc
            1 => Math.Abs(r - s) <= w / 2,                                // ring
            2 => box <= s * 0.85,                                         // filled square
            3 => box <= s * 0.85 && box >= s * 0.85 - w,                  // frame
            4 => ax <= s && ay <= w / 2 + 0.5,                            // horizontal bar
            5 => ay <= s && ax <= w / 2 + 0.5,                            // vertical bar
            6 => box <= s && Math.Min(ax, ay) <= w / 2,                   // plus
            7 => box <= s * 0.8 && Math.Abs(ax - ay) <= w * 0.7,          // cross (both diagonals)
            8 => y <= s * 0.8 && y >= -s * 0.8 && ax <= (y + s * 0.8) * 0.6, // triangle, apex up
            _ => box <= s && Math.Abs(x - y) <= w * 0.7,                  // one diagonal stroke
        };
    }
}
