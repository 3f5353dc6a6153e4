// Only the ECharts parts the wall uses, to keep the bundle small.
import * as echarts from 'echarts/core';
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import { GridSimpleComponent, type GridComponentOption } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, GridSimpleComponent, CanvasRenderer]);

export type SparkOption = echarts.ComposeOption<LineSeriesOption | GridComponentOption>;
export type ComplaintsOption = echarts.ComposeOption<LineSeriesOption | BarSeriesOption | GridComponentOption>;
export type Chart = echarts.ECharts;
export { echarts };
